/** The second stack proves per-cluster config: other endpoint (https), prefix, retention, paths. */
import { RunResult } from "../../../tools/pulumi-mocks";
import { runStack } from "../../support/program";

let run: RunResult;
beforeAll(async () => {
  run = await runStack("garage");
});

describe("garage stack", () => {
  it("serves Volsync and not the RGW mirror, under its own prefix", () => {
    expect(run.recorder.byType("minio:index/s3Bucket:S3Bucket").map((b) => b.inputs.bucket).sort()).toEqual([
      "garage-backup-etcd", "garage-backup-postgres", "garage-backup-velero", "garage-backup-volsync",
    ]);
    expect(run.recorder.byType("minio:index/iamUser:IamUser").map((u) => u.inputs.name)).toContain("garage-backup-volsync");
  });

  it("applies its own retention and never expires the Volsync Kopia repository's current objects", () => {
    const ilm = Object.fromEntries(run.recorder.byType("minio:index/ilmPolicy:IlmPolicy").map((p) => [p.inputs.bucket as string, p.inputs.rules]));
    expect(ilm["garage-backup-postgres"]).toEqual([{ id: "expire-after-retention", expiration: "21d", noncurrentVersionExpirationDays: 21 }]);
    expect(ilm["garage-backup-volsync"]).toEqual([{ id: "expire-noncurrent-versions", noncurrentVersionExpirationDays: 21 }]);
  });

  it("talks TLS to an https hub and manages no Grafana", () => {
    expect(run.recorder.one("pulumi:providers:minio", "minio").inputs).toMatchObject({
      minioServer: "minio.garage.lan:9000", minioSsl: "true", minioInsecure: "false", minioRegion: "eu-garage-1",
    });
    expect(run.recorder.byType("pulumi:providers:grafana")).toEqual([]);
  });
});

describe("the loader against the runtime's config", () => {
  it("reports every problem in the config Pulumi hands the program, and registers nothing", async () => {
    // The whole program with a broken stack file is covered by the synth CLI test; here the loader
    // reads this runtime's config after two keys are broken.
    const { loadConfig } = await import("../../../config/load");
    const pulumi = await import("@pulumi/pulumi");
    const before = run.recorder.resources.length;
    pulumi.runtime.setConfig("homelab-backups:timeZone", "Mars/Olympus");
    pulumi.runtime.setConfig("homelab-backups:retentionDays", "0");
    expect(() => loadConfig()).toThrow(
      [
        'config error: timeZone: "Mars/Olympus" is not an IANA time zone (e.g. America/Sao_Paulo, UTC)',
        "config error: retentionDays: must be at least 1 day",
      ].join("\n"),
    );
    expect(run.recorder.resources.length).toBe(before);
  });
});
