/**
 * The Postgres path in the homelab stack, under mocks: both CronJobs (schedules, time zone, env
 * from Secrets), the content-hashed scripts ConfigMap, the hub credentials Secret, and the drill
 * pod's layout (scratch server as a native sidecar, localhost only, no Service).
 */
import * as fs from "fs";
import { bundleHash, scriptBundle } from "../../../components/lib/scripts";
import { scriptsConfigMap } from "../../../components/lib/kubernetes";
import { PG_BACKUP_SCRIPT, PG_RESTORE_DRILL_SCRIPT, POSTGRES_SCRIPTS } from "../../../components/postgres-backup/scripts";
import { placeholderImages } from "../../../config/schema";
import { RunResult, isSecretValue, revealSecrets } from "../../../tools/pulumi-mocks";
import { runStack } from "../../support/program";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let run: RunResult;
beforeAll(async () => {
  run = await runStack("homelab");
});

const cronJob = (name: string): Obj => run.recorder.byType("kubernetes:batch/v1:CronJob").map((r) => r.inputs as Obj).find((c) => c.metadata.name === name) as Obj;
const podOf = (cj: Obj): Obj => cj.spec.jobTemplate.spec.template.spec;
const env = (container: Obj): Record<string, Obj> => Object.fromEntries(container.env.map((e: Obj) => [e.name, e]));

describe("postgres CronJobs", () => {
  it("back up daily at 02:30 and drill on Sundays at 03:00, in America/Sao_Paulo, in apps", () => {
    expect(cronJob("postgres-backup").spec).toMatchObject({ schedule: "30 2 * * *", timeZone: "America/Sao_Paulo", concurrencyPolicy: "Forbid" });
    expect(cronJob("postgres-restore-drill").spec).toMatchObject({ schedule: "0 3 * * 0", timeZone: "America/Sao_Paulo", concurrencyPolicy: "Forbid" });
    expect(cronJob("postgres-backup").metadata.namespace).toBe("apps");
    expect(cronJob("postgres-backup").spec.jobTemplate.spec.activeDeadlineSeconds).toBe(240 * 60);
  });

  it("give the backup the hub and PostgreSQL settings as env, secrets only by Secret reference", () => {
    const c = podOf(cronJob("postgres-backup")).containers[0];
    const e = env(c);
    expect(c.command).toEqual(["bash", "/scripts/pg-backup.sh"]);
    expect(e.BACKUP_S3_ENDPOINT.value).toBe("http://10.10.10.209:9000");
    expect(e.BACKUP_S3_BUCKET.value).toBe("homelab-backup-postgres");
    expect(e.BACKUP_PREFIX.value).toBe("postgresql-18");
    expect(e.PGHOST.value).toBe("postgresql-18-hl");
    expect(e.PGPORT.value).toBe("5432");
    expect(e.PGPASSWORD.valueFrom).toEqual({ secretKeyRef: { name: "postgresql-auth", key: "admin-password" } });
    expect(e.BACKUP_S3_ACCESS_KEY_ID.valueFrom).toEqual({ secretKeyRef: { name: "postgres-backup-hub", key: "BACKUP_S3_ACCESS_KEY_ID" } });
    expect(e.BACKUP_S3_SECRET_ACCESS_KEY.valueFrom).toEqual({ secretKeyRef: { name: "postgres-backup-hub", key: "BACKUP_S3_SECRET_ACCESS_KEY" } });
  });

  it("put the postgres-backup writer's credentials in a Secret, as Pulumi secrets", () => {
    const secret = run.recorder.one("kubernetes:core/v1:Secret", "postgres-hub-credentials").inputs as Obj;
    expect(secret.metadata).toMatchObject({ name: "postgres-backup-hub", namespace: "apps" });
    expect(isSecretValue(secret.stringData)).toBe(true);
    expect(revealSecrets(secret.stringData)).toEqual({
      BACKUP_S3_ACCESS_KEY_ID: "homelab-backup-postgres-backup",
      BACKUP_S3_SECRET_ACCESS_KEY: "mock-generated-secret-for-hub-postgres-writer",
    });
  });

  it("run as non-root on a read-only root filesystem with a small bounded /tmp", () => {
    const pod = podOf(cronJob("postgres-backup"));
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
    expect(pod.volumes).toContainEqual({ name: "tmp", emptyDir: { sizeLimit: "64Mi" } });
  });
});

describe("scripts ConfigMap", () => {
  it("ships both scripts and the shared library exactly as in the repository, named by content hash", () => {
    const cm = run.recorder.one("kubernetes:core/v1:ConfigMap", "postgres-scripts").inputs as Obj;
    const bundle = scriptBundle(POSTGRES_SCRIPTS);
    expect(cm.metadata.name).toBe(`postgres-backup-scripts-${bundle.hash}`);
    expect(cm.data["pg-backup.sh"]).toBe(fs.readFileSync(PG_BACKUP_SCRIPT, "utf8"));
    expect(cm.data["pg-restore-drill.sh"]).toBe(fs.readFileSync(PG_RESTORE_DRILL_SCRIPT, "utf8"));
    expect(Object.keys(cm.data).sort()).toEqual(["backup-lib.sh", "pg-backup.sh", "pg-lib.sh", "pg-restore-drill.sh"]);
    for (const name of ["postgres-backup", "postgres-restore-drill"]) {
      expect(podOf(cronJob(name)).volumes).toContainEqual({ name: "scripts", configMap: { name: cm.metadata.name, defaultMode: 0o555 } });
    }
  });

  it("changes name when a script changes, so an edited script rolls the CronJobs", () => {
    const a = scriptBundle(POSTGRES_SCRIPTS);
    const files = { ...a.files, "pg-backup.sh": `${a.files["pg-backup.sh"]}# edit\n` };
    const b = { files, hash: bundleHash(files) };
    expect(scriptsConfigMap("x", "apps", b, {}).metadata).not.toEqual(scriptsConfigMap("x", "apps", a, {}).metadata);
  });
});

describe("restore drill pod", () => {
  const pod = () => podOf(cronJob("postgres-restore-drill"));

  it("runs the scratch PostgreSQL as a native sidecar, pinned, on loopback only, data on emptyDir", () => {
    const [scratch] = pod().initContainers;
    expect(pod().initContainers).toHaveLength(1);
    expect(scratch.name).toBe("scratch-postgres");
    expect(scratch.restartPolicy).toBe("Always");
    expect(scratch.image).toMatch(/^docker\.io\/library\/postgres:18\.1@sha256:[0-9a-f]{64}$/);
    expect(scratch.args).toEqual(expect.arrayContaining(["-c", "listen_addresses=127.0.0.1"]));
    expect(scratch.ports).toBeUndefined();
    expect(scratch.startupProbe.exec.command).toEqual(["pg_isready", "-h", "127.0.0.1", "-U", "drilladmin"]);
    expect(env(scratch).POSTGRES_USER.value).toBe("drilladmin");
    expect(pod().volumes).toContainEqual({ name: "scratch-data", emptyDir: { sizeLimit: "20Gi" } });
    expect(run.recorder.byType("kubernetes:core/v1:Service").filter((s) => s.parent === "postgres")).toEqual([]);
  });

  it("starts the drill against that server with the expected databases and a bounded work dir", () => {
    const [drill] = pod().containers;
    const e = env(drill);
    expect(drill.command).toEqual(["bash", "/scripts/pg-restore-drill.sh"]);
    expect(e.PGHOST.value).toBe("127.0.0.1");
    expect(e.PGUSER.value).toBe("drilladmin");
    expect(e.PGPASSWORD).toBeUndefined();
    expect(e.EXPECTED_DATABASES.value).toBe("postgres");
    expect(e.DRILL_WORK_DIR.value).toBe("/work");
    expect(pod().volumes).toContainEqual({ name: "work", emptyDir: { sizeLimit: "10Gi" } });
    expect(drill.resources.limits["ephemeral-storage"]).toBe("10Gi");
  });
});

describe("images", () => {
  it("flags the placeholder toolbox digest that Pulumi.yaml ships, and nothing else", () => {
    expect(placeholderImages({ images: { toolbox: `x@sha256:${"0".repeat(64)}`, scratchPostgres: `y@sha256:${"1".repeat(64)}` } })).toEqual(["toolbox"]);
  });
});

describe("pg-backup.sh streaming ceiling", () => {
  it("streams dumps of at least 500 GB: its default part size x S3's 10,000 parts, passed to rclone rcat", () => {
    const script = fs.readFileSync(PG_BACKUP_SCRIPT, "utf8");
    const chunk = /^S3_CHUNK_SIZE="\$\{S3_CHUNK_SIZE:-(\d+)Mi\}"$/m.exec(script)?.[1];
    expect(chunk).toBeDefined();
    expect(Number(chunk) * 2 ** 20 * 10_000).toBeGreaterThanOrEqual(500e9);
    expect(script).toMatch(/rclone rcat --s3-chunk-size "\$S3_CHUNK_SIZE"/);
  });
});
