/**
 * Velero under mocks: the Helm release (chart, version, repo, namespace), its values checked against
 * the chart's documented values, the credentials file kept a secret, and the k3s hostPath caveat.
 */
import { veleroChartValuesSchema } from "../../../components/velero/chart-values";
import { bslRegion, hostPathWarnings } from "../../../components/velero/values";
import { offsetsOverYear, toUtc, veleroSchedule } from "../../../components/velero/schedule";
import { RunResult, isSecretValue, revealSecrets } from "../../../tools/pulumi-mocks";
import { runStack } from "../../support/program";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let run: RunResult;
const warnings: string[] = [];
beforeAll(async () => {
  const spy = jest.spyOn(console, "warn").mockImplementation((...args: unknown[]) => void warnings.push(args.join(" ")));
  try {
    run = await runStack("homelab");
  } finally {
    spy.mockRestore();
  }
});

const release = () => run.recorder.one("kubernetes:helm.sh/v3:Release", "velero-release");
const values = () => revealSecrets(release().inputs.values) as Obj;

describe("Velero release in homelab", () => {
  it("installs the pinned vmware-tanzu chart as release velero in namespace velero", () => {
    expect(release().inputs).toMatchObject({
      name: "velero", chart: "velero", version: "12.1.0", namespace: "velero",
      repositoryOpts: { repo: "https://vmware-tanzu.github.io/helm-charts" },
    });
    expect(release().parent).toBe("velero");
    expect(release().dependsOn).toContain("velero-credentials");
  });

  it("uses only keys the chart documents (strict parse of the values)", () => {
    const parsed = veleroChartValuesSchema.safeParse(values());
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });

  it("writes to one storage location on the hub bucket: region minio, path-style, s3Url from config, no snapshots", () => {
    expect(values().configuration.backupStorageLocation).toEqual([{
      name: "default", provider: "aws", bucket: "homelab-backup-velero", default: true, accessMode: "ReadWrite",
      credential: { name: "velero-hub-credentials", key: "cloud" },
      config: { region: "minio", s3ForcePathStyle: "true", s3Url: "http://10.10.10.209:9000" },
    }]);
    expect(values()).toMatchObject({ snapshotsEnabled: false, deployNodeAgent: true, credentials: { useSecret: true, existingSecret: "velero-hub-credentials" } });
    expect(values().configuration).toMatchObject({ uploaderType: "kopia", defaultVolumesToFsBackup: true, volumeSnapshotLocation: [] });
  });

  it("runs the AWS plugin whose minor pairs with Velero 1.18 (1.14)", () => {
    expect(values().image).toEqual({ repository: "velero/velero", tag: "v1.18.1" });
    expect(values().initContainers).toEqual([expect.objectContaining({ name: "velero-plugin-for-aws", image: "velero/velero-plugin-for-aws:v1.14.0" })]);
  });

  it("schedules daily-backup at 03:00 São Paulo time (06:00 UTC, no CRON_TZ: velero#9519) with a 336h TTL", () => {
    expect(values().schedules).toEqual({
      "daily-backup": expect.objectContaining({
        schedule: "0 6 * * *",
        template: expect.objectContaining({ ttl: "336h", storageLocation: "default", defaultVolumesToFsBackup: true }),
      }),
    });
    expect(values().configuration.defaultBackupTTL).toBe("336h");
  });

  it("gives the node agent requests and limits", () => {
    expect(values().nodeAgent.resources).toEqual({ requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } });
  });

  it("exports metrics through a ServiceMonitor labelled for the cluster's Prometheus, without autodetection", () => {
    expect(values().metrics).toEqual({ enabled: true, serviceMonitor: { enabled: true, autodetect: false, additionalLabels: { release: "kube-prometheus-stack" } } });
  });

  it("keeps the credentials file a secret, built from the velero writer", () => {
    const secret = run.recorder.one("kubernetes:core/v1:Secret", "velero-credentials");
    const cloud = (secret.inputs.stringData as Obj).cloud;
    expect(isSecretValue(cloud) || isSecretValue(secret.inputs.stringData)).toBe(true);
    expect((revealSecrets(secret.inputs.stringData) as Obj).cloud).toBe(
      "[default]\naws_access_key_id=homelab-backup-velero\naws_secret_access_key=mock-generated-secret-for-hub-velero-writer\n",
    );
    expect(JSON.stringify(values())).not.toContain("mock-generated-secret");
  });

  it("puts Velero in a namespace that allows the node agent's hostPath mount", () => {
    const ns = run.recorder.one("kubernetes:core/v1:Namespace", "velero-namespace");
    expect((ns.inputs.metadata as Obj).labels).toMatchObject({ "pod-security.kubernetes.io/enforce": "privileged" });
  });

  it("warns about nothing in homelab, which declares no hostPath volume", () => {
    expect(warnings.filter((w) => w.includes("hostPath"))).toEqual([]);
  });
});

describe("Velero builders", () => {
  it("warns once per declared hostPath volume (the k3s local-path caveat)", () => {
    expect(hostPathWarnings({ hostPathVolumes: ["home/mosquitto-data"] })).toEqual([
      'velero: home/mosquitto-data is on hostPath/local-path storage; Velero\'s file-system backup skips hostPath volumes, so its data is NOT in the daily backup (README "Velero on k3s")',
    ]);
  });

  it("keeps a region the hub operator configured, and reads cron in the stack's time zone", () => {
    expect(bslRegion("us-east-1")).toBe("minio");
    expect(bslRegion("eu-garage-1")).toBe("eu-garage-1");
    expect(veleroSchedule("0 3 * * *", "UTC")).toEqual({ cron: "0 3 * * *" });
  });

  it("rejects a values key the chart does not document", () => {
    const parsed = veleroChartValuesSchema.safeParse({ configuration: { uploadType: "kopia" } });
    expect(parsed.success).toBe(false);
  });
});

describe("Velero in garage", () => {
  it("warns at preview time about the declared local-path volume", async () => {
    const seen: string[] = [];
    const spy = jest.spyOn(console, "warn").mockImplementation((...args: unknown[]) => void seen.push(args.join(" ")));
    try {
      await jest.isolateModulesAsync(async () => {
        const { runStack: runIsolated } = await import("../../support/program");
        const garage = await runIsolated("garage");
        const v = revealSecrets(garage.recorder.one("kubernetes:helm.sh/v3:Release", "velero-release").inputs.values) as Obj;
        expect(v.configuration.backupStorageLocation[0].config).toEqual({ region: "eu-garage-1", s3ForcePathStyle: "true", s3Url: "https://minio.garage.lan:9000" });
        expect(v.schedules["daily-backup"].template.ttl).toBe("504h");
      });
    } finally {
      spy.mockRestore();
    }
    expect(seen.filter((w) => w.includes("hostPath"))).toEqual([expect.stringContaining("velero: home/mosquitto-data is on hostPath/local-path storage")]);
  });
});

describe("Velero schedule in UTC (the official 1.18 image cannot resolve CRON_TZ zones, velero#9519)", () => {
  const winter = new Date("2026-01-15T12:00:00Z");

  it("knows from the zone data that São Paulo keeps -03:00 all year and Berlin does not", () => {
    expect(offsetsOverYear("America/Sao_Paulo", winter)).toEqual([-180]);
    expect(offsetsOverYear("Europe/Berlin", winter)).toEqual([60, 120]);
    expect(offsetsOverYear("UTC", winter)).toEqual([0]);
  });

  it.each([
    ["0 3 * * *", -180, "0 6 * * *"],
    ["30 22 * * 0", -180, "30 1 * * 1"],
    ["0 1 * * 1,6", 120, "0 23 * * 0,5"],
    ["0 3 * * *", 330, "30 21 * * *"],
    ["15 * * * *", 330, "45 * * * *"],
    ["0 * * * *", -180, "0 * * * *"],
    ["@daily", -180, "0 3 * * *"],
    ["0 2,14 * * *", -180, "0 5,17 * * *"],
  ])("%s at offset %i min is %s in UTC", (local, offset, utc) => {
    expect(toUtc(local, offset)).toBe(utc);
  });

  it.each([
    ["0 22,23 1 * *", -180, "runs land on two days with a day-of-month"],
    ["0 0,23 * * 1", 60, "runs land on different days"],
    ["0,45 3 * * *", 330, "minutes × hours is no longer a cross product"],
    ["0 */2 * * *", -210, "stepped hours with a half-hour offset"],
  ])("%s at offset %i min has no one-line UTC form (%s)", (local, offset) => {
    expect(toUtc(local, offset)).toBeUndefined();
  });

  it("a fixed-offset zone converts silently; a DST zone converts at standard time with a warning; the rest keep CRON_TZ and warn", () => {
    expect(veleroSchedule("0 3 * * *", "America/Sao_Paulo", winter)).toEqual({ cron: "0 6 * * *" });
    const berlin = veleroSchedule("0 3 * * *", "Europe/Berlin", winter);
    expect(berlin.cron).toBe("0 2 * * *");
    expect(berlin.warning).toContain("runs an hour later by the wall clock while DST is in effect");
    const kept = veleroSchedule("0 22,23 1 * *", "America/Sao_Paulo", winter);
    expect(kept.cron).toBe("CRON_TZ=America/Sao_Paulo 0 22,23 1 * *");
    expect(kept.warning).toContain("velero#9519");
  });
});
