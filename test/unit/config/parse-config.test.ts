import * as fs from "fs";
import * as path from "path";
import { splitConfig } from "../../../config/load";
import { ConfigError, SecretPresence, parseConfig } from "../../../config/schema";
import { readStackConfig } from "../../../tools/stack-config";
import { baseSecrets, baseValues } from "../../support/config-fixtures";

const ROOT = path.resolve(__dirname, "../../..");

/** The `config error:` lines parseConfig reports for these inputs ([] when valid). */
function problems(values: Record<string, unknown>, secrets: SecretPresence = baseSecrets): string[] {
  try {
    parseConfig(values, secrets);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.message.split("\n");
  }
}

// Fixtures are patched at any depth (v.hub.buckets = …); the schema under test does the typing.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;
const with_ = (patch: (v: Loose) => void): Record<string, unknown> => {
  const v = baseValues() as Loose;
  patch(v);
  return v;
};

const VOLSYNC_APP = { namespace: "home", app: "homeassistant", capacity: "5Gi", storageClass: "longhorn", snapshotClass: "longhorn-snapclass" };

describe("parseConfig", () => {
  it("applies the schema's defaults to a minimal valid config", () => {
    const c = parseConfig(baseValues(), baseSecrets);
    expect(c.hub).toEqual({
      endpoint: "http://10.10.10.209:9000", region: "us-east-1", bucketPrefix: "homelab-backup",
      buckets: {}, expireCurrentObjects: ["postgres", "etcdOffload"], tlsVerify: true,
    });
    expect(c.paths).toEqual({ velero: true, postgres: true, rgwMirror: true, etcdOffload: true, volsync: false });
    expect(c.namespaces).toEqual({ apps: "apps", velero: "velero", monitoring: "monitoring", volsync: "volsync-system" });
    expect(c.postgres).toMatchObject({ port: 5432, user: "postgres", prefix: "postgresql-18", drillDataSize: "20Gi", drillWorkSize: "10Gi", backupDeadlineMinutes: 240 });
    expect(c.grafana).toBeUndefined();
    expect(c.velero).toEqual({
      defaultVolumesToFsBackup: true, excludedNamespaces: [], hostPathVolumes: [],
      nodeAgentResources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
      resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
    });
    expect(c.monitoring).toEqual({
      selectorLabels: { release: "kube-prometheus-stack" }, runbookBaseUrl: "https://github.com/homelab-backups/homelab-backups/blob/main/docs/runbook.md",
      restoreBudgetSeconds: 3600, hubExporterIntervalSeconds: 300,
    });
  });

  interface Row { name: string; values: Record<string, unknown>; expected: string[]; secrets?: SecretPresence }
  const row = (name: string, values: Record<string, unknown>, expected: string[], secrets?: SecretPresence): Row => ({ name, values, expected, secrets });
  it.each<Row>([
    row("a bad cron", with_((v) => (v.schedules.rgwMirror = "61 4 * * *")),
      ['config error: schedules.rgwMirror: "61 4 * * *" is not a valid cron expression: Constraint error, got value 61 expected range 0-59']),
    row("an unknown time zone", with_((v) => (v.timeZone = "Mars/Olympus")),
      ['config error: timeZone: "Mars/Olympus" is not an IANA time zone (e.g. America/Sao_Paulo, UTC)']),
    row("an image without digest", with_((v) => (v.images.toolbox = "ghcr.io/x/toolbox:1.0")),
      ['config error: images.toolbox: "ghcr.io/x/toolbox:1.0" must be pinned by digest (name[:tag]@sha256:<64 hex>)']),
    row("a retention the lifecycle would outrun", with_((v) => (v.retentionDays = 1)),
      ["config error: retentionDays: 1 day(s) keeps fewer than two postgres backups (schedules.postgresBackup runs every 24h); the lifecycle could expire the only committed backup before the next one lands"]),
    row("a retention below one day", with_((v) => (v.retentionDays = 0)), ["config error: retentionDays: must be at least 1 day"]),
    row("the postgres path without its settings or images", with_((v) => { delete v.postgres; delete v.images; }), [
      "config error: postgres: is required when paths.postgres is on",
      "config error: images.toolbox: is required when paths.postgres is on",
      "config error: images.scratchPostgres: is required when paths.postgres is on",
    ]),
    row("a toolbox client older than the server", with_((v) => { v.versions.toolboxPostgres = 17; v.versions.scratchPostgres = 17; }), [
      "config error: versions.toolboxPostgres: the toolbox's PostgreSQL client 17 is older than the server (postgres.serverMajor 18); pg_dumpall must be at least the server's major",
      "config error: versions.scratchPostgres: the drill's scratch PostgreSQL 17 is older than the server (postgres.serverMajor 18)",
    ]),
    row("a scratch server older than the dump client", with_((v) => { v.versions.toolboxPostgres = 19; }), [
      "config error: versions.scratchPostgres: the drill's scratch PostgreSQL 18 is older than the dump client (versions.toolboxPostgres 19)",
    ]),
    row("a postgres password Secret with a bad name", with_((v) => (v.postgres.passwordSecret = { name: "Postgres_Auth", key: "pw" })), [
      "config error: postgres.passwordSecret.name: must be a DNS-1123 subdomain (lowercase letters, digits, '-', '.')",
    ]),
    row("no expected database for the drill", with_((v) => (v.postgres.expectedDatabases = [])), [
      "config error: postgres.expectedDatabases: must list at least one database",
    ]),
    row("an etcd node without a pinned host key", with_((v) => delete v.etcdOffload.nodes[0].hostKey), [
      "config error: etcdOffload.nodes[0].hostKey: is required",
    ]),
    row("a malformed host key", with_((v) => (v.etcdOffload.nodes[0].hostKey = "AAAAC3Nza")), [
      'config error: etcdOffload.nodes[0].hostKey: must be a pinned host key as `ssh-keyscan -t ed25519 <host>` prints it, e.g. "10.10.10.201 ssh-ed25519 AAAAC3…"',
    ]),
    row("the same etcd node twice", with_((v) => v.etcdOffload.nodes.push({ ...v.etcdOffload.nodes[0] })), [
      'config error: etcdOffload.nodes[1].name: "cp-1" is listed twice',
    ]),
    row("an unknown mirror mode", with_((v) => (v.rgwMirror.mode = "move")), [
      'config error: rgwMirror.mode: Invalid option: expected one of "copy"|"sync"',
    ]),
    row("the mirror on without its settings", with_((v) => delete v.rgwMirror), ["config error: rgwMirror: is required when paths.rgwMirror is on"]),
    row("a missing endpoint", with_((v) => delete v.hub.endpoint), ["config error: hub.endpoint: is required"]),
    row("a duplicate bucket", with_((v) => (v.hub.buckets = { postgres: "homelab-backup-velero" })),
      ['config error: hub.buckets.postgres: bucket "homelab-backup-velero" is used by both velero and postgres; bucket names must be unique']),
    row("current-object expiry on a Kopia repository", with_((v) => (v.hub.expireCurrentObjects = ["postgres", "velero"])),
      ["config error: hub.expireCurrentObjects: velero is a Kopia repository; expiring its current objects deletes blobs that later snapshots still reference"]),
    row("misspelled keys", with_((v) => { v.timezone = "UTC"; v.hub.regoin = "x"; }),
      ["config error: hub.regoin: unknown key", "config error: timezone: unknown key"]),
    row("a wrong type", with_((v) => (v.paths = { volsync: "yes" })), ["config error: paths.volsync: must be a boolean, got a string"]),
    row("an invalid namespace", with_((v) => (v.namespaces = { apps: "Apps" })),
      ["config error: namespaces.apps: must be a DNS-1123 label (lowercase letters, digits, '-')"]),
    row("a missing shared default", with_((v) => delete v.schedules), ["config error: schedules: is required"]),
    row("a missing required secret", baseValues(), [
      "config error: hubAdminPassword: required secret is not set; run `pulumi config set --secret hubAdminPassword <value>`",
    ], { hubAdminUser: "secret", sshPrivateKey: "secret" }),
    row("a secret stored in plain text", baseValues(), [
      "config error: hubAdminPassword: is stored in plain text; set it with `pulumi config set --secret hubAdminPassword <value>`",
    ], { ...baseSecrets, hubAdminPassword: "plaintext" }),
    row("Grafana without its auth secret", with_((v) => (v.grafana = { url: "http://grafana" })), [
      "config error: grafanaAuth: required secret is not set; run `pulumi config set --secret grafanaAuth <value>`",
    ]),
    row("Volsync without the Kopia password", with_((v) => {
      v.paths = { volsync: true };
      v.volsync = { apps: [VOLSYNC_APP] };
    }), [
      "config error: kopiaPassword: required secret is not set; run `pulumi config set --secret kopiaPassword <value>`",
    ]),
    row("a Velero AWS plugin that does not pair with Velero", with_((v) => (v.versions.veleroAwsPlugin = "1.13.2")), [
      "config error: versions.veleroAwsPlugin: 1.13.2 does not pair with Velero 1.18.1; use velero-plugin-for-aws 1.14.x",
    ]),
    row("Volsync on without its section", with_((v) => (v.paths = { volsync: true })), [
      "config error: volsync: is required when paths.volsync is on",
    ], { ...baseSecrets, kopiaPassword: "secret" }),
    row("Volsync with no app", with_((v) => {
      v.paths = { volsync: true };
      v.volsync = { apps: [] };
    }), ["config error: volsync.apps: must list at least one app when paths.volsync is on"], { ...baseSecrets, kopiaPassword: "secret" }),
    row("the same Volsync app twice", with_((v) => {
      v.paths = { volsync: true };
      v.volsync = { apps: [VOLSYNC_APP, VOLSYNC_APP] };
    }), ['config error: volsync.apps[1].app: "home/homeassistant" is listed twice'], { ...baseSecrets, kopiaPassword: "secret" }),
    row("a filesystem repository without its claim", with_((v) => {
      v.paths = { volsync: true };
      v.volsync = { repository: "filesystem", apps: [VOLSYNC_APP] };
    }), ["config error: volsync.filesystemClaim: is required when volsync.repository is filesystem"], { ...baseSecrets, kopiaPassword: "secret" }),
    row("a Volsync app with a bad compression", with_((v) => {
      v.paths = { volsync: true };
      v.volsync = { apps: [{ ...VOLSYNC_APP, compression: "lz4" }] };
    }), [
      'config error: volsync.apps[0].compression: Invalid option: expected one of "zstd-fastest"|"zstd"|"zstd-better-compression"|"s2-default"|"gzip"|"none"',
    ], { ...baseSecrets, kopiaPassword: "secret" }),
    row("a hub named by host without a scrape address", with_((v) => (v.hub.endpoint = "https://minio.lan:9000")), [
      "config error: monitoring.hubAddress: is required when hub.endpoint names a host (minio.lan); the scrape Endpoints take an IPv4 address",
    ]),
    row("a malformed hostPath volume", with_((v) => (v.velero = { hostPathVolumes: ["mosquitto"] })), [
      "config error: velero.hostPathVolumes[0]: must be <namespace>/<pvc>",
    ]),
    row("a day-of-week 7, which cron-parser takes but Kubernetes (robfig/cron v3) refuses", with_((v) => (v.schedules.rgwMirror = "0 4 * * 7")), [
      'config error: schedules.rgwMirror: "0 4 * * 7": day-of-week "7" is out of range 0-6 (Sunday is 0, not 7)',
    ]),
    row("a last-day-of-month L", with_((v) => (v.schedules.postgresRestoreDrill = "0 3 L * *")), [
      'config error: schedules.postgresRestoreDrill: "0 3 L * *": day-of-month "L" is not cron syntax Kubernetes accepts (no L, W or #)',
    ]),
    row("an nth-weekday #", with_((v) => (v.schedules.postgresRestoreDrill = "0 3 * * 0#1")), [
      'config error: schedules.postgresRestoreDrill: "0 3 * * 0#1": day-of-week "0#1" is not cron syntax Kubernetes accepts (no L, W or #)',
    ]),
    row("an OnCalendar systemd refuses", with_((v) => (v.etcdOffload.onCalendar = "0 * * * *")), [
      'config error: etcdOffload.onCalendar: "0 * * * *" is not a systemd calendar event (e.g. hourly, *:00, Mon..Fri 02:30, *-*-* 04:00:00 UTC)',
    ]),
    row("a RandomizedDelaySec systemd refuses", with_((v) => (v.etcdOffload.randomizedDelay = "a quarter hour")), [
      'config error: etcdOffload.randomizedDelay: "a quarter hour" is not a systemd time span (e.g. 15min, 1h 30min, 90s)',
    ]),
    row("velero sharing the apps namespace (destroy would delete it)", with_((v) => (v.namespaces = { velero: "apps" })), [
      'config error: namespaces.velero: "apps" is also namespaces.apps; the program creates and owns namespaces.velero, so pulumi destroy would delete it with everything in it — give it a namespace of its own',
    ]),
    row("a bad selector label", with_((v) => (v.monitoring = { selectorLabels: { release: "not ok!" } })), [
      "config error: monitoring.selectorLabels.release: must be a Kubernetes label value",
    ]),
    ])("rejects $name with one exact line", ({ values, expected, secrets }) => {
    expect(problems(values, secrets)).toEqual(expected);
  });

  it("accepts `ssh-keyscan -t ed25519 <host>` output as is and keeps the key for @pulumi/command's hostKey", () => {
    const key = `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${"C".repeat(43)}`;
    const config = parseConfig(with_((v) => (v.etcdOffload.nodes[0].hostKey = `10.10.10.201 ${key}\n`)), baseSecrets);
    expect(config.etcdOffload?.nodes[0].hostKey).toBe(key);
  });

  it("allows velero's own namespace when the velero path is off (nothing is created there)", () => {
    expect(problems(with_((v) => { v.namespaces = { velero: "apps" }; v.paths = { ...v.paths, velero: false }; }))).toEqual([]);
  });

  it("reports every problem at once, one line each", () => {
    const values = with_((v) => {
      v.timeZone = "Mars/Olympus";
      v.schedules.postgresBackup = "0 30 2 * * *";
      delete v.hub.endpoint;
      v.hub.buckets = { rgwMirror: "homelab-backup-etcd" };
    });
    expect(problems(values, { hubAdminUser: "secret" })).toEqual([
      'config error: timeZone: "Mars/Olympus" is not an IANA time zone (e.g. America/Sao_Paulo, UTC)',
      'config error: schedules.postgresBackup: "0 30 2 * * *" has 6 fields; a Kubernetes schedule has 5 (minute hour day-of-month month day-of-week)',
      "config error: hub.endpoint: is required",
      'config error: hub.bucketPrefix: bucket "homelab-backup-etcd" is used by both rgwMirror and etcdOffload; bucket names must be unique',
      "config error: hubAdminPassword: required secret is not set; run `pulumi config set --secret hubAdminPassword <value>`",
      "config error: sshPrivateKey: required secret is not set; run `pulumi config set --secret sshPrivateKey <value>`",
    ]);
  });

  it("does not treat a disabled path's bucket as a duplicate", () => {
    const values = with_((v) => (v.hub.buckets = { volsync: "homelab-backup-velero" }));
    expect(problems(values)).toEqual([]);
  });
});

describe("splitConfig (the loader's decoding)", () => {
  it("decodes structured values, keeps other projects' keys out and records how secrets are stored", () => {
    const { values, presence } = splitConfig(
      "homelab-backups",
      {
        "homelab-backups:retentionDays": "14",
        "homelab-backups:timeZone": "UTC",
        "homelab-backups:hub": '{"endpoint":"http://h:9000"}',
        "homelab-backups:hubAdminPassword": "s3cret",
        "homelab-backups:hubAdminUser": "admin",
        "kubernetes:context": "other",
      },
      (k) => k.endsWith("hubAdminPassword"),
    );
    expect(values).toEqual({ retentionDays: 14, timeZone: "UTC", hub: { endpoint: "http://h:9000" } });
    expect(presence).toEqual({ hubAdminPassword: "secret", hubAdminUser: "plaintext" });
    expect(JSON.stringify(values)).not.toContain("s3cret");
  });
});

describe("committed stack files", () => {
  const stacks = fs.readdirSync(ROOT).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f)).map((f) => f.split(".")[1]);

  it("include the seeds' homelab stack and a second, differently shaped cluster", () => {
    expect(stacks).toEqual(expect.arrayContaining(["homelab", "garage"]));
  });

  it.each(stacks)("Pulumi.%s.yaml parses with Pulumi.yaml's shared defaults", (stack) => {
    const files = readStackConfig(ROOT, stack);
    const { values, presence } = splitConfig(files.project, files.config, (k) => files.secretKeys.includes(k));
    expect(() => parseConfig(values, presence)).not.toThrow();
  });

  it("homelab matches the seeds (contract 3)", () => {
    const files = readStackConfig(ROOT, "homelab");
    const { values, presence } = splitConfig(files.project, files.config, () => true);
    const c = parseConfig(values, presence);
    expect(c.timeZone).toBe("America/Sao_Paulo");
    expect(c.retentionDays).toBe(14);
    expect(c.hub.endpoint).toBe("http://10.10.10.209:9000");
    expect(c.namespaces).toEqual({ apps: "apps", velero: "velero", monitoring: "monitoring", volsync: "volsync-system" });
    expect(c.schedules).toMatchObject({ postgresBackup: "30 2 * * *", postgresRestoreDrill: "0 3 * * 0", rgwMirror: "0 4 * * *", velero: "0 3 * * *" });
  });
});
