/**
 * Monitoring objects under mocks, held against what the real operator, chart and exporter do:
 * the Prometheus Operator CRDs are read (a missing one fails preview) and everything that needs
 * them waits for the read; the hub is scraped at all three v2 endpoints, told apart by a label; and
 * our Volsync ServiceMonitor never takes the name the fork's chart gives its own.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { PROMETHEUS_OPERATOR_CRDS, crdResourceName } from "../../../components/monitoring/crds";
import { RecordedResource } from "../../../tools/pulumi-mocks";
import { ROOT, runStackIsolated as stack } from "../../support/program";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const runs = new Map<string, RecordedResource[]>();
const SM = "kubernetes:monitoring.coreos.com/v1:ServiceMonitor";
const PR = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";
const CRD = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition";


beforeAll(async () => {
  runs.set("homelab", await stack("homelab"));
  runs.set("garage", await stack("garage"));
  runs.set("garage-no-selector", await stack("garage", (c) => {
    const m = JSON.parse(c["homelab-backups:monitoring"] ?? "{}");
    c["homelab-backups:monitoring"] = JSON.stringify({ ...m, selectorLabels: {} });
  }));
}, 90_000);

const of = (s: string, type: string) => (runs.get(s) ?? []).filter((r) => r.type === type);

describe("Prometheus Operator CRDs (a prerequisite)", () => {
  it.each(["homelab", "garage"])("are read, not created, in %s", (s) => {
    const reads = of(s, CRD);
    expect(reads.map((r) => [r.name, r.read])).toEqual(PROMETHEUS_OPERATOR_CRDS.map((c) => [crdResourceName(c), true]));
  });

  it.each(["homelab", "garage"])("every ServiceMonitor and PrometheusRule of %s waits for the reads", (s) => {
    const crs = [...of(s, SM), ...of(s, PR)];
    expect(crs.length).toBeGreaterThan(3);
    for (const r of crs) expect([r.name, r.dependsOn]).toEqual([r.name, expect.arrayContaining(PROMETHEUS_OPERATOR_CRDS.map(crdResourceName))]);
  });

  it("the Velero release (its chart makes a ServiceMonitor) waits for them too", () => {
    const release = of("homelab", "kubernetes:helm.sh/v3:Release").find((r) => r.name === "velero-release");
    expect(release?.dependsOn).toEqual(expect.arrayContaining(PROMETHEUS_OPERATOR_CRDS.map(crdResourceName)));
  });
});

describe("MinIO hub scrape", () => {
  const monitor = () => of("homelab", SM).find((r) => (r.inputs.metadata as Obj).name === "minio-hub")!.inputs as Obj;

  it("scrapes cluster, node and bucket metrics (minio_bucket_* exist only at /bucket)", () => {
    expect(monitor().spec.endpoints.map((e: Obj) => e.path)).toEqual(["/minio/v2/metrics/cluster", "/minio/v2/metrics/node", "/minio/v2/metrics/bucket"]);
  });

  it("labels each endpoint's series with minio_metrics, so their `up` series differ", () => {
    expect(monitor().spec.endpoints.map((e: Obj) => e.relabelings)).toEqual(["cluster", "node", "bucket"].map((which) => [
      { action: "replace", targetLabel: "minio_metrics", replacement: which },
    ]));
  });
});

describe("Volsync scrape", () => {
  const chartTemplate = () => fs.readFileSync(path.join(ROOT, "test/fixtures/upstream/volsync-chart-servicemonitor.yaml"), "utf8");

  it("our ServiceMonitor is not named like the chart's own (both would be created in the release namespace)", () => {
    const chartName = /^\s+name: (\S+)$/m.exec(chartTemplate())![1];
    expect(chartName).toBe("volsync");
    const ours = of("garage", SM).filter((r) => (r.inputs.metadata as Obj).namespace === "volsync-system");
    expect(ours.map((r) => (r.inputs.metadata as Obj).name)).toEqual(["homelab-backups-volsync"]);
  });

  it("selects the chart's metrics Service the way the chart's ServiceMonitor does, and carries the selector labels", () => {
    const ours = of("garage", SM).find((r) => (r.inputs.metadata as Obj).name === "homelab-backups-volsync")!.inputs as Obj;
    expect(chartTemplate()).toContain('control-plane: {{ include "volsync.fullname" . }}-controller');
    expect(ours.spec.selector).toEqual({ matchLabels: { "control-plane": "volsync-controller" } });
    expect(ours.spec.endpoints[0]).toMatchObject({ port: "https", scheme: "https", path: "/metrics" });
    expect(ours.metadata.labels).toMatchObject({ prometheus: "garage" }); // garage's monitoring.selectorLabels
  });

  it("is left to the chart when Prometheus selects every ServiceMonitor (no selector labels): one scrape, not two", () => {
    const names = of("garage-no-selector", SM).map((r) => (r.inputs.metadata as Obj).name);
    expect(names).toContain("minio-hub"); // the run did render its ServiceMonitors
    expect(names).not.toContain("homelab-backups-volsync");
  });

  it("the chart values pin fullnameOverride volsync, which the selector relies on", () => {
    const release = of("garage", "kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === "volsync")!;
    expect((release.inputs.values as Obj).fullnameOverride).toBe("volsync");
    expect(YAML.parse(YAML.stringify(release.inputs.values)).fullnameOverride).toBe("volsync");
  });
});
