/**
 * The hub of the rgw tier: a real RGW with the MinIO hub of the committed stacks applied to it —
 * buckets, versioning, lifecycle, and one user per writer holding the policy document the program
 * renders — plus lookups by backup path and an exact check for denials.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { BACKUP_PATHS, PATH_KEYS, PathKey } from "../../components/lib/backup-paths";
import { ETCD_SCRIPTS } from "../../components/etcd-offload/scripts";
import { RGW_SCRIPTS } from "../../components/rgw-mirror/scripts";
import { seedBulk, seedSource, stagePostgresScripts } from "../payload/postgres/fixtures";
import { realSnapshots } from "../support/etcd-node";
import { startPostgres, PgServer } from "../support/postgres";
import { runStackIsolated } from "../support/program";
import { stageScripts } from "../support/scripts";
import { startRgw, Rgw, RgwOptions, RgwUser } from "../support/rgw";
import { applyHubPlan, HubPlan, hubPlanFromProgram } from "../support/rgw-hub";

/** Bucket prefixes of the committed stacks (Pulumi.<stack>.yaml hub.bucketPrefix). */
export const PREFIX = { homelab: "homelab-backup", garage: "garage-backup" } as const;
export type Stack = keyof typeof PREFIX;

export type Writer = RgwUser & { bucket: string; key: PathKey; stack: Stack };

export interface Hub {
  rgw: Rgw;
  plan: HubPlan;
  users: Map<string, RgwUser>;
  /** A writer's credentials and bucket, by path. */
  writer(key: PathKey, stack?: Stack): Writer;
  /** Every writer the rendered stacks declare. */
  writers: Writer[];
  /** The read-only hub user of a stack (`<prefix>-hub-reader`). */
  reader(stack?: Stack): RgwUser;
  admin: S3Client;
}

/**
 * Renders `stacks` with the real program (each patched by `patch`), starts RGW and applies every
 * stack's hub to it. homelab has velero, postgres, rgwMirror and etcdOffload; garage adds volsync.
 */
export async function startHub(opts: RgwOptions & { stacks?: Stack[]; patch?: (config: Record<string, string>) => void; lifecycle?: boolean } = {}): Promise<Hub> {
  const stacks = opts.stacks ?? ["homelab", "garage"];
  const rendered = [];
  for (const s of stacks) rendered.push(...(await runStackIsolated(s, opts.patch)));
  const plan = hubPlanFromProgram(rendered);
  const rgw = await startRgw(opts);
  try {
    const users = await applyHubPlan(rgw, plan, { lifecycle: opts.lifecycle });
    const writers: Writer[] = [];
    for (const stack of stacks) {
      for (const key of PATH_KEYS) {
        const creds = users.get(`${PREFIX[stack]}-${BACKUP_PATHS[key].writer}`);
        if (creds) writers.push({ ...creds, key, stack, bucket: `${PREFIX[stack]}-${BACKUP_PATHS[key].bucketSuffix}` });
      }
    }
    const readers = new Map(stacks.map((stack) => [stack, users.get(`${PREFIX[stack]}-hub-reader`)]));
    if (writers.length + readers.size !== users.size) throw new Error(`users not named <prefix>-<writer> or <prefix>-hub-reader: ${[...users.keys()].join(", ")}`);
    return {
      rgw,
      plan,
      users,
      writers,
      admin: rgw.s3(rgw.admin),
      reader(stack = "homelab") {
        const r = readers.get(stack);
        if (!r) throw new Error(`stack ${stack} renders no hub reader`);
        return r;
      },
      writer(key, stack = "homelab") {
        const w = writers.find((x) => x.key === key && x.stack === stack);
        if (!w) throw new Error(`stack ${stack} renders no writer for path ${key}`);
        return w;
      },
    };
  } catch (err) {
    await rgw.stop();
    throw err;
  }
}

/** The S3 error code a call failed with, or "OK". */
export async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "OK";
  } catch (err) {
    return (err as { name?: string }).name ?? String(err);
  }
}

/** What a file that runs the writers' scripts needs, ready after its first beforeAll. */
export interface ScriptWorld {
  hub: Hub;
  /** The source cluster: several databases and roles (payload fixtures), plus `bulkMb` of rows. */
  pg: PgServer;
  /** Real etcd 3.4 snapshots. */
  snapshots: Buffer[];
  scripts: { postgres: string; etcd: string; mirror: string };
}

/**
 * Registers the hooks that start a hub (RGW with the rendered hub applied), a seeded source
 * PostgreSQL and `snapshots` real etcd snapshots, stage the three writers' scripts, and stop
 * everything after the file. `bulkMb` of poorly compressible rows make the dump a real multipart
 * upload (25 → ~9 MB compressed, two parts at S3_CHUNK_SIZE=5Mi).
 */
export function scriptWorld(opts: Parameters<typeof startHub>[0] & { snapshots: number; bulkMb: number }): ScriptWorld {
  const world = { scripts: { postgres: "", etcd: "", mirror: "" } } as ScriptWorld;
  beforeAll(async () => {
    [world.hub, world.pg, world.snapshots] = await Promise.all([startHub(opts), startPostgres({ password: "src-Pa55-never-logged" }), realSnapshots(opts.snapshots)]);
    seedSource(world.pg);
    if (opts.bulkMb > 0) seedBulk(world.pg, opts.bulkMb);
    world.scripts = { postgres: stagePostgresScripts(), etcd: stageScripts(ETCD_SCRIPTS), mirror: stageScripts(RGW_SCRIPTS) };
  }, 180_000);
  afterAll(async () => {
    await Promise.all([world.hub?.rgw.stop(), world.pg?.stop()]);
  }, 60_000);
  return world;
}
