/**
 * The hub exporter as the program renders it: its Deployment runs hub-exporter.sh with HUB_PATHS
 * equal to hubPaths() of the stack's config and the reader's keys from its own Secret, its
 * ServiceMonitor selects it, and facts.jq renders exactly the metrics components/hub-status/metrics.ts
 * lists (the names alerts and dashboards are checked against).
 */
import * as fs from "fs";
import * as path from "path";
import { HUB_EXPORTER, HUB_EXPORTER_PORT } from "../../components/hub-status";
import { HUB_METRICS } from "../../components/hub-status/metrics";
import { hubPaths } from "../../components/hub-status/paths";
import { RecordedResource } from "../../tools/pulumi-mocks";
import { parseStackConfig } from "../../tools/stack-config";
import { run } from "../support/proc";
import { ROOT, runStackIsolated } from "../support/program";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const runs = new Map<string, RecordedResource[]>();
beforeAll(async () => {
  for (const stack of ["homelab", "garage"]) runs.set(stack, await runStackIsolated(stack));
}, 60_000);
const k8s = (stack: string, kind: string, name: string): Obj => {
  const r = runs.get(stack)?.find((x) => x.type.endsWith(`:${kind}`) && (x.inputs.metadata as Obj)?.name === name);
  if (!r) throw new Error(`${stack} renders no ${kind} ${name}`);
  return r.inputs as Obj;
};

describe.each(["homelab", "garage"])("hub exporter in %s", (stack) => {
  const config = parseStackConfig(ROOT, stack);

  it("runs hub-exporter.sh in the toolbox image with every path's facts settings and the reader's keys from its Secret", () => {
    const d = k8s(stack, "Deployment", HUB_EXPORTER);
    expect(d.metadata.namespace).toBe(config.namespaces.monitoring);
    const c = d.spec.template.spec.containers[0];
    expect(c.image).toBe(config.images.toolbox);
    expect(c.command).toEqual(["bash", "/scripts/hub-exporter.sh"]);
    const env = Object.fromEntries(c.env.map((e: Obj) => [e.name, e.value ?? e.valueFrom?.secretKeyRef]));
    expect(JSON.parse(env.HUB_PATHS)).toEqual(hubPaths(config));
    expect(env.BACKUP_S3_ENDPOINT).toBe(config.hub.endpoint);
    expect(env.BACKUP_S3_ACCESS_KEY_ID).toEqual({ name: "hub-exporter-hub", key: "BACKUP_S3_ACCESS_KEY_ID" });
    expect(env.BACKUP_S3_SECRET_ACCESS_KEY).toEqual({ name: "hub-exporter-hub", key: "BACKUP_S3_SECRET_ACCESS_KEY" });
    expect(env.HUB_EXPORTER_INTERVAL_SECONDS).toBe(String(config.monitoring.hubExporterIntervalSeconds));
    expect(env.BACKUP_S3_CA_FILE).toBe(config.hub.caBundle ? "/scripts/hub-ca.crt" : undefined);
    expect(c.ports).toEqual([{ name: "metrics", containerPort: HUB_EXPORTER_PORT }]);
    expect(d.spec.template.spec.automountServiceAccountToken).toBe(false);
  });

  it("is scraped by ServiceMonitor hub-exporter, labelled for the cluster's Prometheus", () => {
    const sm = k8s(stack, "ServiceMonitor", HUB_EXPORTER);
    expect(sm.metadata.labels).toMatchObject(config.monitoring.selectorLabels);
    expect(sm.spec.selector.matchLabels).toEqual(k8s(stack, "Service", HUB_EXPORTER).spec.selector);
    expect(sm.spec.endpoints).toEqual([{ port: "metrics", path: "/metrics", interval: "1m" }]);
  });

  it("marks exactly the paths turned off in config as disabled, with the stack's bucket names", () => {
    const paths = hubPaths(config);
    expect(paths.filter((p) => !p.enabled).map((p) => p.path)).toEqual(Object.entries(config.paths).filter(([, on]) => !on).map(([k]) => k));
    expect(paths.find((p) => p.path === "postgres")?.maxAgeSeconds).toBe(26 * 3600);
  });
});

describe("facts.jq renders the documented metrics", () => {
  it("every name and label set of metrics.ts, and no other", () => {
    const facts = {
      now: 2_000_000_000,
      paths: [
        { path: "postgres", bucket: "b-pg", enabled: true, kind: "postgres", prefix: "pg", maxAgeSeconds: 100, drill: { result: "ok", restoreSeconds: 3.5, finishedAt: "2033-05-18T03:30:00Z" },
          listing: [
            { Path: "pg/2033/05/18/full.sql.zst", Size: 10, ModTime: "2033-05-18T03:00:00.5Z", IsDir: false },
            { Path: "pg/2033/05/18/full.sql.zst.sha256", Size: 80, ModTime: "2033-05-18T03:00:01Z", IsDir: false },
          ] },
        { path: "etcdOffload", bucket: "b-etcd", enabled: true, kind: "etcd", maxAgeSeconds: 100, listing: [
          { Path: "n1/s", Size: 5, ModTime: "2033-05-18T03:00:00Z", IsDir: false }, { Path: "n1/s.sha256", Size: 5, ModTime: "2033-05-18T03:00:00Z", IsDir: false },
        ] },
        { path: "volsync", bucket: "b-v", enabled: false, kind: "kopia", maxAgeSeconds: 100, listing: [] },
      ],
    };
    const res = run("jq", ["-r", "-L", path.join(ROOT, "components/hub-status"), 'include "facts"; facts | prometheus(1.5)'], { input: JSON.stringify(facts) });
    expect(res.status).toBe(0);
    const samples = res.stdout.split("\n").filter((l) => l && !l.startsWith("#"));
    const seen = new Map<string, string[]>();
    for (const line of samples) {
      const m = /^([a-z_]+)(?:\{(.*)\})? \S+$/.exec(line);
      expect(m).not.toBeNull();
      seen.set(m![1], m![2] ? [...m![2].matchAll(/(\w+)="/g)].map((x) => x[1]) : []);
    }
    expect(Object.fromEntries(seen)).toEqual(Object.fromEntries(Object.entries(HUB_METRICS).map(([n, m]) => [n, m.labels])));
    expect(res.stdout).not.toContain("b-v");
    expect(fs.readFileSync(path.join(ROOT, "components/hub-status/hub-exporter.sh"), "utf8")).toContain("prometheus($seconds)");
  });
});
