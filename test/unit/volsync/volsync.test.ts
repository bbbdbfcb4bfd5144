/**
 * Volsync in the garage stack under mocks: the fork's operator release, per opted-in app the Kopia
 * repository Secret, ReplicationSource and ReplicationDestination (after the operator), and the
 * maintenance CronJobs; plus the filesystem-repository variant of the pure builders.
 */
import { replicationDestination, replicationSource, resolveApp, kopiaRepositoryData } from "../../../components/volsync/manifests";
import { RunResult, isSecretValue, revealSecrets } from "../../../tools/pulumi-mocks";
import { runStack } from "../../support/program";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let run: RunResult;
beforeAll(async () => {
  run = await runStack("garage");
});

const inputs = (type: string, name: string) => revealSecrets(run.recorder.one(type, name).inputs) as Obj;
const RS = "kubernetes:volsync.backube/v1alpha1:ReplicationSource";
const RD = "kubernetes:volsync.backube/v1alpha1:ReplicationDestination";

describe("Volsync operator", () => {
  it("installs the perfectra1n fork's chart, pinned, in volsync-system with its Kopia-capable image", () => {
    const release = inputs("kubernetes:helm.sh/v3:Release", "volsync-operator");
    expect(release).toMatchObject({
      name: "volsync", chart: "volsync", version: "0.18.4", namespace: "volsync-system",
      repositoryOpts: { repo: "https://perfectra1n.github.io/volsync/charts" },
    });
    expect(release.values).toMatchObject({
      manageCRDs: true,
      image: { repository: "ghcr.io/perfectra1n/volsync", tag: "v0.17.10" },
      kopia: { repository: "ghcr.io/perfectra1n/volsync", tag: "v0.17.10" },
    });
  });
});

describe.each([
  { app: "homeassistant", pvc: "homeassistant-config", capacity: "5Gi", retain: { hourly: 24, daily: 7 } },
  { app: "zigbee2mqtt", pvc: "zigbee2mqtt-data", capacity: "1Gi", retain: { hourly: 12, daily: 14 } },
])("opted-in app $app", ({ app, pvc, capacity, retain }) => {
  it("gets a Kopia repository Secret in its namespace on the hub's volsync bucket, every value a secret", () => {
    const secret = run.recorder.one("kubernetes:core/v1:Secret", `volsync-home-${app}-kopia`);
    expect(isSecretValue(secret.inputs.stringData)).toBe(true);
    const s = inputs("kubernetes:core/v1:Secret", `volsync-home-${app}-kopia`);
    expect(s.metadata).toMatchObject({ name: `${app}-volsync-kopia`, namespace: "home" });
    expect(s.stringData).toEqual({
      KOPIA_REPOSITORY: "s3://garage-backup-volsync/kopia/",
      KOPIA_PASSWORD: "placeholder-kopiaPassword",
      AWS_ACCESS_KEY_ID: "garage-backup-volsync",
      AWS_SECRET_ACCESS_KEY: "mock-generated-secret-for-hub-volsync-writer",
      AWS_S3_ENDPOINT: "https://minio.garage.lan:9000",
      AWS_REGION: "eu-garage-1",
      KOPIA_S3_DISABLE_TLS: "false",
    });
  });

  it(`backs up ${pvc} hourly as ${app}-src: Kopia, Snapshot copy, cache, mover security context, retention`, () => {
    const src = inputs(RS, `volsync-home-${app}-src`);
    expect(src.metadata).toMatchObject({ name: `${app}-src`, namespace: "home" });
    expect(src.spec.sourcePVC).toBe(pvc);
    expect(src.spec.trigger).toEqual({ schedule: "0 * * * *" });
    expect(src.spec.kopia).toMatchObject({
      repository: `${app}-volsync-kopia`, username: app, hostname: "home", copyMethod: "Snapshot", compression: "zstd-fastest",
      storageClassName: "longhorn", volumeSnapshotClassName: "longhorn-snapclass", cacheCapacity: "2Gi", retain,
      moverSecurityContext: { runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, runAsNonRoot: true },
    });
  });

  it(`restores once into a new ${capacity} volume as ${app}-dst, with the source's identity`, () => {
    const dst = inputs(RD, `volsync-home-${app}-dst`);
    const src = inputs(RS, `volsync-home-${app}-src`);
    expect(dst.metadata).toMatchObject({ name: `${app}-dst`, namespace: "home" });
    expect(dst.spec.trigger).toEqual({ manual: "restore-once" });
    expect(dst.spec.kopia).toMatchObject({ repository: `${app}-volsync-kopia`, capacity, accessModes: ["ReadWriteOnce"], copyMethod: "Snapshot" });
    expect([dst.spec.kopia.username, dst.spec.kopia.hostname]).toEqual([src.spec.kopia.username, src.spec.kopia.hostname]);
  });

  it("creates its source and destination only after the operator release (CRDs) and its Secret", () => {
    for (const [type, suffix] of [[RS, "src"], [RD, "dst"]]) {
      expect(run.recorder.one(type, `volsync-home-${app}-${suffix}`).dependsOn).toEqual(expect.arrayContaining(["volsync-operator", `volsync-home-${app}-kopia`]));
    }
  });
});

describe("Volsync maintenance", () => {
  const cronJob = (name: string) => run.recorder.byType("kubernetes:batch/v1:CronJob").map((c) => revealSecrets(c.inputs) as Obj).find((c) => c.metadata.name === name);
  const env = (cj: Obj) => Object.fromEntries(cj.spec.jobTemplate.spec.template.spec.containers[0].env.map((e: Obj) => [e.name, e.value ?? e.valueFrom]));

  it("verifies the repository daily, expecting every opted-in app's snapshots", () => {
    const cj = cronJob("volsync-verify") as Obj;
    expect(cj.metadata.namespace).toBe("volsync-system");
    expect(cj.spec).toMatchObject({ schedule: "30 5 * * *", timeZone: "Europe/Berlin", concurrencyPolicy: "Forbid" });
    expect(env(cj)).toMatchObject({
      EXPECTED_SOURCES: "homeassistant@home,zigbee2mqtt@home", VERIFY_FILES_PERCENT: "5", KOPIA_S3_PREFIX: "kopia/",
      BACKUP_S3_BUCKET: "garage-backup-volsync", KOPIA_PASSWORD: { secretKeyRef: { name: "volsync-maintenance-kopia", key: "KOPIA_PASSWORD" } },
    });
  });

  it("looks for stuck restores every 15 minutes with a 60-minute threshold, allowed only to read ReplicationDestinations", () => {
    const cj = cronJob("volsync-stuck-restore") as Obj;
    expect(cj.spec.schedule).toBe("*/15 * * * *");
    expect(env(cj)).toEqual({ THRESHOLD_MINUTES: "60", TMPDIR: "/tmp" });
    expect(cj.spec.jobTemplate.spec.template.spec.serviceAccountName).toBe("volsync-stuck-restore");
    expect(inputs("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "volsync-detector-role").rules).toEqual([
      { apiGroups: ["volsync.backube"], resources: ["replicationdestinations"], verbs: ["get", "list"] },
    ]);
  });

  it("serves the optional Kopia UI on a ClusterIP Service only", () => {
    expect(inputs("kubernetes:core/v1:Service", "volsync-kopia-ui").spec).toMatchObject({ type: "ClusterIP" });
  });

  it("declares the movers unprivileged on each app namespace", () => {
    expect(inputs("kubernetes:core/v1:NamespacePatch", "volsync-home-movers").metadata).toEqual({
      name: "home", annotations: { "volsync.backube/privileged-movers": "false" },
    });
  });
});

describe("filesystem repository (the seed's alternative)", () => {
  const config = { repository: "filesystem" as const, filesystemClaim: "kopia-repository", s3Prefix: "kopia/" };
  const app = resolveApp({
    namespace: "media", app: "jellyfin", capacity: "10Gi", storageClass: "ceph-block", snapshotClass: "csi-rbd",
    retention: { hourly: 24, daily: 7 }, compression: "zstd-fastest", cacheCapacity: "2Gi", runAsUser: 568,
  }, "0 * * * *");

  it("points KOPIA_REPOSITORY at the mounted claim and carries no S3 keys", () => {
    const data = kopiaRepositoryData({ config, hub: { endpoint: "http://h:9000", bucket: "b", region: "r" }, password: "pw", writer: { accessKeyId: "k", secretAccessKey: "s" } });
    expect(data).toEqual({ KOPIA_REPOSITORY: "filesystem:///repository", KOPIA_PASSWORD: "pw" });
  });

  it("mounts the claim into both movers", () => {
    const volumes = [{ mountPath: "repository", volumeSource: { persistentVolumeClaim: { claimName: "kopia-repository" } } }];
    expect(replicationSource(app, config).spec.kopia.moverVolumes).toEqual(volumes);
    expect(replicationDestination(app, config).spec.kopia.moverVolumes).toEqual(volumes);
    expect(replicationSource(app, config).spec.sourcePVC).toBe("jellyfin-config");
  });
});
