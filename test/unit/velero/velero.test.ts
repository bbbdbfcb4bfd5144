/**
 * Velero under mocks: the Helm release (chart, version, repo, namespace), its values checked against
 * the chart's documented values, the credentials file kept a secret, and the k3s hostPath caveat.
 */
import { veleroChartValuesSchema } from "../../../components/velero/chart-values";
import { bslRegion, hostPathWarnings, veleroCron } from "../../../components/velero/values";
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

  it("schedules daily-backup at 03:00 São Paulo time with a 336h TTL", () => {
    expect(values().schedules).toEqual({
      "daily-backup": expect.objectContaining({
        schedule: "CRON_TZ=America/Sao_Paulo 0 3 * * *",
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
    expect(veleroCron("0 3 * * *", "UTC")).toBe("0 3 * * *");
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
