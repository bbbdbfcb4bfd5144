/**
 * #10 item 13: hub.caBundle reaches every client that talks to a hub behind a private CA — the
 * CronJob scripts (file in the scripts ConfigMap + BACKUP_S3_CA_FILE), the etcd unit (pushed file
 * + Environment=), the MinIO ServiceMonitor (CA ConfigMap + serverName) and Velero's BSL (caCert) —
 * and config refuses it where it cannot apply. The scripts' use of it runs for real in
 * test/payload/hub-ca.test.ts.
 */
import { RecordedResource, resolveAssets, revealSecrets } from "../../tools/pulumi-mocks";
import { privateCa } from "../support/s3";
import { runStackIsolated } from "../support/program";
import * as fs from "fs";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let pem: string;
let resources: RecordedResource[];

function garage(patch: (hub: Obj, c: Record<string, string>) => void): Promise<RecordedResource[]> {
  return runStackIsolated("garage", (c) => {
    const hub = JSON.parse(c["homelab-backups:hub"]);
    patch(hub, c);
    c["homelab-backups:hub"] = JSON.stringify(hub);
  });
}

beforeAll(async () => {
  pem = fs.readFileSync(privateCa().ca, "utf8");
  resources = await garage((hub, c) => {
    hub.caBundle = pem;
    c["homelab-backups:paths"] = JSON.stringify({ velero: true, postgres: true, rgwMirror: false, etcdOffload: true, volsync: false });
  });
}, 90_000);

const of = (type: string) => resources.filter((r) => r.type === type).map((r) => revealSecrets(r.inputs) as Obj);

describe("hub.caBundle", () => {
  it("ships the CA beside the scripts and points every CronJob container at it", () => {
    const maps = of("kubernetes:core/v1:ConfigMap").filter((m) => m.metadata.name.includes("-scripts"));
    expect(maps.length).toBeGreaterThan(0);
    for (const m of maps) expect(m.data["hub-ca.crt"]).toBe(pem);
    const containers = of("kubernetes:batch/v1:CronJob").flatMap((c) => c.spec.jobTemplate.spec.template.spec.containers as Obj[])
      .filter((c) => (c.env as Obj[]).some((e) => e.name === "BACKUP_S3_ENDPOINT"));
    expect(containers.length).toBeGreaterThan(1);
    for (const c of containers) expect(c.env).toContainEqual({ name: "BACKUP_S3_CA_FILE", value: "/scripts/hub-ca.crt" });
  });

  it("pushes it to the control-plane nodes and tells the unit where it is", async () => {
    const pushed = await Promise.all(of("command:remote:CopyToRemote").map(async (c) => ({ path: String(c.remotePath), source: await resolveAssets(c.source) as Obj })));
    expect(pushed.find((p) => p.path.endsWith("/hub-ca.crt"))?.source).toEqual({ asset: { text: pem } });
    const unit = pushed.find((p) => p.path.endsWith("etcd-offload.service"))!.source.asset.text as string;
    expect(unit).toMatch(/^Environment=BACKUP_S3_CA_FILE=\/etc\/etcd-offload\/hub-ca.crt$/m);
  });

  it("verifies the hub's metrics endpoint against it, by the hub's host name", () => {
    const ca = of("kubernetes:core/v1:ConfigMap").find((m) => m.metadata.name === "minio-hub-ca");
    expect(ca?.data).toEqual({ "ca.crt": pem });
    const monitor = of("kubernetes:monitoring.coreos.com/v1:ServiceMonitor").find((m) => m.metadata.name === "minio-hub")!;
    for (const e of monitor.spec.endpoints) {
      expect(e.tlsConfig).toEqual({ insecureSkipVerify: false, serverName: "minio.garage.lan", ca: { configMap: { name: "minio-hub-ca", key: "ca.crt" } } });
    }
  });

  it("gives Velero's backup storage location the bundle base64-encoded (the chart's caCert)", () => {
    const release = of("kubernetes:helm.sh/v3:Release").find((r) => r.chart === "velero")!;
    const bsl = release.values.configuration.backupStorageLocation[0];
    expect(Buffer.from(bsl.caCert, "base64").toString("utf8")).toBe(pem);
  });

  it("is refused on an http hub, when not PEM, and with Volsync's S3 repository (not wired there yet)", async () => {
    const { parseConfig, ConfigError } = await import("../../config/schema");
    const { baseSecrets, baseValues } = await import("../support/config-fixtures");
    const lines = (patch: (v: Obj) => void) => {
      const v = baseValues() as Obj;
      patch(v);
      try {
        parseConfig(v, { ...baseSecrets, kopiaPassword: "secret" });
        return [];
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        return err.message.split("\n");
      }
    };
    expect(lines((v) => (v.hub.caBundle = pem))).toEqual(["config error: hub.caBundle: is set but hub.endpoint is not https; a CA bundle only applies to TLS"]);
    expect(lines((v) => { v.hub.endpoint = "https://10.10.10.209:9000"; v.hub.caBundle = "not a certificate"; })).toEqual([
      "config error: hub.caBundle: must be PEM certificates (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----)",
    ]);
    expect(lines((v) => {
      v.hub.endpoint = "https://10.10.10.209:9000";
      v.hub.caBundle = pem;
      v.paths = { ...v.paths, volsync: true };
      v.volsync = { apps: [{ namespace: "home", app: "ha", capacity: "1Gi", storageClass: "s", snapshotClass: "c" }] };
    })).toContain("config error: hub.caBundle: is not yet passed to Volsync's Kopia movers (customCA) or the volsync-verify job; with paths.volsync on, use volsync.repository filesystem or a hub certificate the system roots trust");
  });

  it("changes nothing when unset", async () => {
    const plain = await garage(() => undefined);
    const monitor = plain.find((r) => r.type === "kubernetes:monitoring.coreos.com/v1:ServiceMonitor" && (r.inputs.metadata as Obj).name === "minio-hub")!.inputs as Obj;
    expect(monitor.spec.endpoints[0].tlsConfig).toEqual({ insecureSkipVerify: false, serverName: "minio.garage.lan" });
    expect(plain.some((r) => r.type === "command:remote:CopyToRemote" && String(r.inputs.remotePath).endsWith("hub-ca.crt"))).toBe(false);
  });
});
