/**
 * The stack-config schema and the one pure entry point, {@link parseConfig}. Shared project
 * defaults (versions, schedules, retention, time zone) live in Pulumi.yaml and are required here;
 * defaults of fields inside stack-specific objects live here, once. See README "Stack config".
 */
import { z } from "zod";
import { BACKUP_PATHS, PATH_KEYS, PathKey, bucketName } from "../components/lib/backup-paths";
import { monitoringSchema, veleroSchema, volsyncSchema } from "./cluster-schema";
import { etcdOffloadSchema, rgwMirrorSchema } from "./paths-schema";
import { namespaceProblems } from "./namespaces";
import {
  bucketNameSchema,
  cronProblem,
  cronSchema,
  dnsLabelSchema,
  endpointSchema,
  dnsSubdomainSchema,
  imageSchema,
  majorSchema,
  maxCronGapHours,
  quantitySchema,
  semverSchema,
  timeZoneSchema,
  pemBundleSchema,
} from "./validators";

const pathFlags = z.strictObject(
  Object.fromEntries(PATH_KEYS.map((k) => [k, z.boolean().default(BACKUP_PATHS[k].enabledByDefault)])) as Record<
    PathKey,
    z.ZodDefault<z.ZodBoolean>
  >,
);

const bucketOverrides = z.strictObject(
  Object.fromEntries(PATH_KEYS.map((k) => [k, bucketNameSchema.optional()])) as Record<PathKey, z.ZodOptional<typeof bucketNameSchema>>,
);

export const hubSchema = z.strictObject({
  /** MinIO S3 endpoint, scheme://host:port. Required. */
  endpoint: endpointSchema,
  /** S3 region sent by clients. Default `us-east-1`. */
  region: z.string().min(1).default("us-east-1"),
  /** Buckets are `<bucketPrefix>-<path>` and writer users `<bucketPrefix>-<writer>`. Required. */
  bucketPrefix: z.string().regex(/^[a-z0-9][a-z0-9-]{1,40}$/, "must be 2-41 lowercase letters, digits or '-'"),
  /** Per-path bucket name overrides. Default none. */
  buckets: bucketOverrides.prefault({}),
  /** Paths whose *current* objects expire after retentionDays (noncurrent versions always do). */
  expireCurrentObjects: z
    .array(z.enum(PATH_KEYS))
    .default(PATH_KEYS.filter((k) => BACKUP_PATHS[k].expireCurrentByDefault)),
  /** Verify TLS (https endpoints only). Default true. */
  tlsVerify: z.boolean().default(true),
  /** PEM CA bundle that signed the hub's certificate (https with a private CA). Default: system roots. */
  caBundle: pemBundleSchema.optional(),
});

export const postgresSchema = z.strictObject({
  /** Service host, e.g. postgresql-18-hl. */
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(5432),
  user: z.string().min(1).default("postgres"),
  /** Existing Secret (in namespaces.apps) holding the user's password. */
  passwordSecret: z.strictObject({ name: dnsSubdomainSchema, key: z.string().regex(/^[-._a-zA-Z0-9]+$/, "must be a Secret key") }),
  /** Key prefix in the bucket: <prefix>/YYYY/MM/DD/full.sql.zst. */
  prefix: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, "must be lowercase letters, digits, '.', '_' or '-'").default("postgresql-18"),
  /** Major version of the server (the toolbox client must be at least this). */
  serverMajor: majorSchema,
  /** Databases the restore drill must find after restoring. */
  expectedDatabases: z.array(z.string().min(1)).min(1, "must list at least one database"),
  /** emptyDir size for the drill's scratch data directory. */
  drillDataSize: quantitySchema.default("20Gi"),
  /** emptyDir size for the drill's downloaded (compressed) dump. */
  drillWorkSize: quantitySchema.default("10Gi"),
  /** Minutes before a backup Job is killed. */
  backupDeadlineMinutes: z.number().int().min(5).max(1440).default(240),
  /** Minutes before a drill Job is killed. */
  drillDeadlineMinutes: z.number().int().min(5).max(1440).default(360),
});

export const configSchema = z.strictObject({
  /** IANA time zone of every CronJob (`timeZone`). Pulumi.yaml: UTC. */
  timeZone: timeZoneSchema,
  /** Days before the hub expires backups (and noncurrent versions). Pulumi.yaml: 14. */
  retentionDays: z.number().int("must be a whole number of days").min(1, "must be at least 1 day").max(3650, "must be at most 3650 days"),
  /** Cron schedules (5 fields, in `timeZone`). Pulumi.yaml holds the defaults. */
  schedules: z.strictObject({
    postgresBackup: cronSchema,
    postgresRestoreDrill: cronSchema,
    rgwMirror: cronSchema,
    velero: cronSchema,
    volsync: cronSchema,
  }),
  /** Pinned chart and application versions. Pulumi.yaml holds the defaults. */
  versions: z.strictObject({
    veleroChart: semverSchema,
    velero: semverSchema,
    /** velero-plugin-for-aws; its minor must pair with Velero's (1.14.x ↔ 1.18.x). */
    veleroAwsPlugin: semverSchema,
    /** Chart of the Volsync fork with the Kopia mover (perfectra1n). */
    volsyncChart: semverSchema,
    /** Volsync controller and mover image tag (ghcr.io/perfectra1n/volsync:v<version>). */
    volsync: semverSchema,
    /** PostgreSQL client major inside images.toolbox (its Dockerfile's PG_MAJOR). */
    toolboxPostgres: majorSchema,
    /** PostgreSQL major of images.scratchPostgres (the drill's scratch server). */
    scratchPostgres: majorSchema,
  }),
  /** Container images by role, each pinned by digest. Pulumi.yaml holds the defaults. */
  images: z
    .strictObject({
      /** images/backup-toolbox: bash, PostgreSQL client, zstd, rclone, jq. */
      toolbox: imageSchema.optional(),
      /** The restore drill's scratch PostgreSQL server. */
      scratchPostgres: imageSchema.optional(),
    })
    .prefault({}),
  /** Kubernetes provider: kubeconfig context and optional kubeconfig path. Default: ambient kubeconfig. */
  kubernetes: z
    .strictObject({ context: z.string().min(1).optional(), kubeconfig: z.string().min(1).optional() })
    .prefault({}),
  /** Namespaces the components deploy into. */
  namespaces: z
    .strictObject({
      apps: dnsLabelSchema.default("apps"),
      velero: dnsLabelSchema.default("velero"),
      monitoring: dnsLabelSchema.default("monitoring"),
      volsync: dnsLabelSchema.default("volsync-system"),
    })
    .prefault({}),
  /** The MinIO backup hub. Required. */
  hub: hubSchema,
  /** Which backup paths this cluster runs. Default: all but volsync. */
  paths: pathFlags.prefault({}),
  /** The cluster's PostgreSQL, backed up by the postgres path. Required when paths.postgres is on. */
  postgres: postgresSchema.optional(),
  /** The RGW → hub mirror. Required when paths.rgwMirror is on. */
  rgwMirror: rgwMirrorSchema.optional(),
  /** The etcd snapshot offload to control-plane nodes. Required when paths.etcdOffload is on. */
  etcdOffload: etcdOffloadSchema.optional(),
  /** Velero settings (paths.velero). Defaults suit a small cluster. */
  velero: veleroSchema.prefault({}),
  /** Volsync apps and maintenance jobs. Required when paths.volsync is on. */
  volsync: volsyncSchema.optional(),
  /** Prometheus integration (selector labels). */
  monitoring: monitoringSchema.prefault({}),
  /** Grafana provider; omit to manage no Grafana resources. */
  grafana: z
    .strictObject({
      url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
      /** UID of the Prometheus datasource every query uses. */
      datasourceUid: z.string().min(1).default("prometheus"),
      /** Title of the folder holding dashboards and alert rules. */
      folder: z.string().min(1).default("Backups"),
      /** E-mail addresses of an optional contact point; when set, a notification policy routes every backup alert there. */
      contactEmails: z.array(z.email({ error: "must be an e-mail address" })).optional(),
    })
    .optional(),
});

export type StackConfig = z.infer<typeof configSchema>;

/** Node names whose pinned host key is the all-zero placeholder (replace with ssh-keyscan output). */
export function placeholderHostKeys(config: Pick<StackConfig, "etcdOffload">): string[] {
  return (config.etcdOffload?.nodes ?? []).filter((n) => /^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA{43}=?$/.test(n.hostKey)).map((n) => n.name);
}

/** Image roles still set to the all-zero placeholder digest (Pulumi.yaml ships one for the toolbox). */
export function placeholderImages(config: Pick<StackConfig, "images">): string[] {
  return Object.entries(config.images)
    .filter(([, image]) => typeof image === "string" && /@sha256:0{64}$/.test(image))
    .map(([role]) => role);
}

/** Config keys whose values are Pulumi secrets, with when each is required. */
export const SECRET_KEYS = {
  hubAdminUser: () => true,
  hubAdminPassword: () => true,
  grafanaAuth: (c: RawValues) => c.grafana !== undefined,
  sshPrivateKey: (c: RawValues) => pathEnabled(c, "etcdOffload"),
  kopiaPassword: (c: RawValues) => pathEnabled(c, "volsync"),
} as const;
export type SecretKey = keyof typeof SECRET_KEYS;

type RawValues = Record<string, unknown>;

/** How each secret key is stored: as a Pulumi secret, in plain text, or absent. */
export type SecretPresence = Partial<Record<string, "secret" | "plaintext">>;

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(problems.map((p) => `config error: ${p}`).join("\n"));
    this.name = "ConfigError";
  }
}

/** `a.b[0].c` — the form `pulumi config set --path` takes. */
export function dottedPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((acc, seg) => (typeof seg === "number" ? `${acc}[${seg}]` : acc ? `${acc}.${String(seg)}` : String(seg)), "");
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function pathEnabled(values: RawValues, key: PathKey): boolean {
  const flags = isRecord(values.paths) ? values.paths : {};
  return typeof flags[key] === "boolean" ? (flags[key] as boolean) : BACKUP_PATHS[key].enabledByDefault;
}

/** Cross-field rules, run on the raw values so they are reported together with field errors. */
function crossFieldProblems(values: RawValues): string[] {
  const problems: string[] = [];
  const hub = isRecord(values.hub) ? values.hub : {};
  const prefix = typeof hub.bucketPrefix === "string" ? hub.bucketPrefix : undefined;
  const overrides = (isRecord(hub.buckets) ? hub.buckets : {}) as Partial<Record<PathKey, string>>;
  const enabled = PATH_KEYS.filter((k) => pathEnabled(values, k));

  // A prefix that passes its own rule always yields valid bucket names; overrides are checked by
  // their own field. What is left to check across fields is uniqueness.
  if (prefix !== undefined) {
    const owners = new Map<string, PathKey>();
    for (const key of enabled) {
      const name = bucketName(prefix, key, overrides);
      const field = overrides[key] !== undefined ? `hub.buckets.${key}` : "hub.bucketPrefix";
      const other = owners.get(name);
      if (other) problems.push(`${field}: bucket "${name}" is used by both ${other} and ${key}; bucket names must be unique`);
      else owners.set(name, key);
    }
  }

  if (Array.isArray(hub.expireCurrentObjects)) {
    for (const key of hub.expireCurrentObjects) {
      if (typeof key === "string" && key in BACKUP_PATHS && BACKUP_PATHS[key as PathKey].kopiaRepository) {
        problems.push(
          `hub.expireCurrentObjects: ${key} is a Kopia repository; expiring its current objects deletes blobs that later snapshots still reference`,
        );
      }
    }
  }

  // Retention vs. lifecycle expiry: the hub must keep at least two runs of a path it expires,
  // or the only committed backup can expire before the next one lands.
  const schedules = isRecord(values.schedules) ? values.schedules : {};
  const days = values.retentionDays;
  const tz = typeof values.timeZone === "string" ? values.timeZone : "UTC";
  const expiring = Array.isArray(hub.expireCurrentObjects)
    ? hub.expireCurrentObjects
    : PATH_KEYS.filter((k) => BACKUP_PATHS[k].expireCurrentByDefault);
  const schedule = schedules.postgresBackup;
  if (
    typeof days === "number" && Number.isInteger(days) && days >= 1 && typeof schedule === "string" && !cronProblem(schedule) &&
    enabled.includes("postgres") && expiring.includes("postgres")
  ) {
    let gap: number | undefined;
    try {
      gap = maxCronGapHours(schedule, tz);
    } catch {
      gap = undefined; // an invalid time zone is reported by its own field
    }
    if (gap !== undefined && days * 24 < 2 * gap) {
      problems.push(
        `retentionDays: ${days} day(s) keeps fewer than two postgres backups (schedules.postgresBackup runs every ${gap}h); ` +
          "the lifecycle could expire the only committed backup before the next one lands",
      );
    }
  }

  problems.push(...postgresProblems(values, enabled));
  if (enabled.includes("rgwMirror") && values.rgwMirror === undefined) problems.push("rgwMirror: is required when paths.rgwMirror is on");
  if (enabled.includes("etcdOffload")) {
    if (values.etcdOffload === undefined) problems.push("etcdOffload: is required when paths.etcdOffload is on");
    const nodes = isRecord(values.etcdOffload) && Array.isArray(values.etcdOffload.nodes) ? values.etcdOffload.nodes : [];
    const seen = new Set<unknown>();
    nodes.forEach((n, i) => {
      const name = isRecord(n) ? n.name : undefined;
      if (seen.has(name)) problems.push(`etcdOffload.nodes[${i}].name: "${String(name)}" is listed twice`);
      seen.add(name);
    });
  }
  // (with postgres on, postgresProblems already reports a missing toolbox)
  if (!enabled.includes("postgres") && !(isRecord(values.images) && values.images.toolbox !== undefined)) {
    for (const key of ["rgwMirror", "volsync"] as const) {
      if (enabled.includes(key)) problems.push(`images.toolbox: is required when paths.${key} is on`);
    }
  }
  problems.push(...volsyncProblems(values, enabled), ...veleroVersionProblems(values));
  problems.push(...namespaceProblems(values.namespaces, enabled));
  if (hub.caBundle !== undefined && typeof hub.endpoint === "string" && !hub.endpoint.startsWith("https:")) {
    problems.push("hub.caBundle: is set but hub.endpoint is not https; a CA bundle only applies to TLS");
  }
  const volsyncS3 = !(isRecord(values.volsync) && values.volsync.repository === "filesystem");
  if (hub.caBundle !== undefined && enabled.includes("volsync") && volsyncS3) {
    problems.push("hub.caBundle: is not yet passed to Volsync's Kopia movers (customCA) or the volsync-verify job; with paths.volsync on, use volsync.repository filesystem or a hub certificate the system roots trust");
  }
  // The hub's scrape target is an Endpoints object, which takes an IP address only.
  const host = typeof hub.endpoint === "string" && URL.canParse(hub.endpoint) ? new URL(hub.endpoint).hostname : undefined;
  const monitoring = isRecord(values.monitoring) ? values.monitoring : {};
  if (host !== undefined && !/^\d{1,3}(\.\d{1,3}){3}$/.test(host) && monitoring.hubAddress === undefined) {
    problems.push(`monitoring.hubAddress: is required when hub.endpoint names a host (${host}); the scrape Endpoints take an IPv4 address`);
  }
  return problems;
}

/** Velero's AWS plugin is released in step with Velero: plugin 1.(m-4).x for Velero 1.m.x. */
function veleroVersionProblems(values: RawValues): string[] {
  const versions = isRecord(values.versions) ? values.versions : {};
  const minor = (v: unknown) => (typeof v === "string" ? /^1\.(\d+)\./.exec(v)?.[1] : undefined);
  const velero = minor(versions.velero);
  const plugin = minor(versions.veleroAwsPlugin);
  if (velero === undefined || plugin === undefined || Number(plugin) === Number(velero) - 4) return [];
  return [
    `versions.veleroAwsPlugin: ${String(versions.veleroAwsPlugin)} does not pair with Velero ${String(versions.velero)}; use velero-plugin-for-aws 1.${Number(velero) - 4}.x`,
  ];
}

/** Volsync needs its section, at least one app, unique app names and a claim for a filesystem repository. */
function volsyncProblems(values: RawValues, enabled: PathKey[]): string[] {
  if (!enabled.includes("volsync")) return [];
  if (!isRecord(values.volsync)) return ["volsync: is required when paths.volsync is on"];
  const problems: string[] = [];
  const apps = Array.isArray(values.volsync.apps) ? values.volsync.apps : [];
  if (apps.length === 0) problems.push("volsync.apps: must list at least one app when paths.volsync is on");
  const seen = new Set<string>();
  apps.forEach((a, i) => {
    if (!isRecord(a)) return;
    const id = `${String(a.namespace)}/${String(a.app)}`;
    if (seen.has(id)) problems.push(`volsync.apps[${i}].app: "${id}" is listed twice`);
    seen.add(id);
  });
  if (values.volsync.repository === "filesystem" && values.volsync.filesystemClaim === undefined) {
    problems.push("volsync.filesystemClaim: is required when volsync.repository is filesystem");
  }
  return problems;
}

/** The postgres path needs its settings and images, and client/scratch majors that can handle the server. */
function postgresProblems(values: RawValues, enabled: PathKey[]): string[] {
  if (!enabled.includes("postgres")) return [];
  const problems: string[] = [];
  if (values.postgres === undefined) problems.push("postgres: is required when paths.postgres is on");
  const images = isRecord(values.images) ? values.images : {};
  for (const role of ["toolbox", "scratchPostgres"]) {
    if (images[role] === undefined) problems.push(`images.${role}: is required when paths.postgres is on`);
  }
  const versions = isRecord(values.versions) ? values.versions : {};
  const server = isRecord(values.postgres) ? values.postgres.serverMajor : undefined;
  if (typeof server === "number") {
    if (typeof versions.toolboxPostgres === "number" && versions.toolboxPostgres < server) {
      problems.push(
        `versions.toolboxPostgres: the toolbox's PostgreSQL client ${versions.toolboxPostgres} is older than the server (postgres.serverMajor ${server}); ` +
          "pg_dumpall must be at least the server's major",
      );
    }
    if (typeof versions.scratchPostgres === "number" && versions.scratchPostgres < server) {
      problems.push(`versions.scratchPostgres: the drill's scratch PostgreSQL ${versions.scratchPostgres} is older than the server (postgres.serverMajor ${server})`);
    }
  }
  if (typeof versions.toolboxPostgres === "number" && typeof versions.scratchPostgres === "number" && versions.scratchPostgres < versions.toolboxPostgres) {
    problems.push(
      `versions.scratchPostgres: the drill's scratch PostgreSQL ${versions.scratchPostgres} is older than the dump client (versions.toolboxPostgres ${versions.toolboxPostgres})`,
    );
  }
  return problems;
}

function secretProblems(values: RawValues, secrets: SecretPresence): string[] {
  const problems: string[] = [];
  for (const [key, required] of Object.entries(SECRET_KEYS) as [SecretKey, (c: RawValues) => boolean][]) {
    const state = secrets[key];
    if (state === "plaintext") {
      problems.push(`${key}: is stored in plain text; set it with \`pulumi config set --secret ${key} <value>\``);
    } else if (state === undefined && required(values)) {
      problems.push(`${key}: required secret is not set; run \`pulumi config set --secret ${key} <value>\``);
    }
  }
  return problems;
}

/**
 * Validates raw stack config (project-namespace keys, JSON-decoded, secrets excluded) and the
 * presence of secret keys. Returns the typed config with defaults applied, or throws a
 * {@link ConfigError} listing every problem, one `<dotted.path>: <reason>` each.
 */
export function parseConfig(values: RawValues, secrets: SecretPresence): StackConfig {
  const result = configSchema.safeParse(values, {
    error: (iss) => {
      if (iss.code !== "invalid_type") return undefined;
      if (iss.input === undefined) return "is required";
      const got = Array.isArray(iss.input) ? "a list" : iss.input === null ? "null" : `a ${typeof iss.input}`;
      return `must be ${iss.expected === "object" ? "an object" : `a ${iss.expected}`}, got ${got}`;
    },
  });
  const problems: string[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) problems.push(`${dottedPath([...issue.path, key])}: unknown key`);
      } else {
        problems.push(`${dottedPath(issue.path) || "(root)"}: ${issue.message}`);
      }
    }
  }
  problems.push(...crossFieldProblems(values), ...secretProblems(values, secrets));
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return result.data;
}
