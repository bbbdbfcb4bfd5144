/**
 * A real S3 server for the `rgw` test tier: Ceph RGW 16.2 from Debian (one monitor, one memstore
 * OSD and radosgw on 127.0.0.1), started in a temp directory and stopped by PID. Unlike s3rver it
 * checks SigV4 signatures, evaluates IAM user policies (the AWS grammar MinIO uses), keeps versions
 * and runs lifecycle rules — with `lcDaySeconds` a lifecycle "day" lasts that many seconds.
 *
 * Facts it relies on (shared/design/facts.md, "A real S3 server here"; shared/tools/rgw-lab/ is the
 * reference we read, this is our own code):
 * - `ms mon client mode = crc` and `ms client mode = crc`, or radosgw never authenticates;
 * - users are created with `radosgw-admin`; IAM user policies go through the S3 endpoint's IAM API
 *   and the caller needs cap `user-policy=*`;
 * - RGW keeps S3 object ACLs: an object belongs to the user who wrote it and the bucket owner cannot
 *   read it. MinIO has no ACLs (its root reads everything), so the hub's admin here is an RGW
 *   `system` user, which RGW lets read any object;
 * - RGW lets any user create buckets unless its `max_buckets` is negative; MinIO refuses a user
 *   whose policy lacks s3:CreateBucket, so writers are created with `--max-buckets=-1`.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { randomBytes, randomUUID } from "crypto";
import { IAMClient, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import { S3Client } from "@aws-sdk/client-s3";
import { freePort, runOk, Service, startService, tempDir } from "./proc";
import { S3Target } from "./rclone";

// The SDK (devDependency, pinned) warns on every process about its future Node 22 requirement.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

/** Debian packages the tier needs (tools/test.sh installs them). */
export const CEPH_BINARIES = ["/usr/bin/ceph-mon", "/usr/bin/ceph-osd", "/usr/bin/radosgw", "/usr/bin/radosgw-admin", "/usr/bin/ceph"];

export interface RgwUser extends S3Target {
  user: string;
}

export interface Rgw {
  endpoint: string;
  /** The hub's admin (RGW system user: reads every object, like MinIO's root). */
  admin: RgwUser;
  /** S3 and IAM clients for a user (single attempt: a test sees each server answer). */
  s3(user: S3Target): S3Client;
  iam(user: S3Target): IAMClient;
  /** A new S3 user without any policy; `writer` users cannot create buckets. */
  createUser(name: string, opts?: { canCreateBuckets?: boolean }): RgwUser;
  /** Attaches `policy` (a JSON document) as the user's only inline policy. */
  putUserPolicy(user: string, policyName: string, policy: string): Promise<void>;
  /**
   * One lifecycle pass over every bucket, now: `radosgw-admin lc process`, RGW's own lifecycle code
   * (RGWLC::process, what the gateway's thread runs on its schedule). With `lcDaySeconds`, rule
   * days are that many seconds of object age.
   */
  runLifecycle(): Promise<void>;
  /** Stops only radosgw (the data stays in the OSD), for hub-restart faults. */
  stopGateway(): Promise<void>;
  startGateway(): Promise<void>;
  /** Stops radosgw, the OSD and the monitor (by PID) and removes the directory. */
  stop(): Promise<void>;
  dir: string;
}

export interface RgwOptions {
  /** Length of a lifecycle "day" in seconds (`rgw lc debug interval`); default: real days. */
  lcDaySeconds?: number;
  /** OSD capacity in bytes (memstore holds it in RAM: ~1.3 GiB per GiB stored). Default 4 GiB. */
  osdBytes?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, timeoutMs: number, probe: () => boolean | Promise<boolean>, alive: () => boolean, log: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (!alive()) throw new Error(`${what}: the daemon exited; last log lines:\n${tail(log)}`);
    if (Date.now() > deadline) throw new Error(`${what}: not ready within ${timeoutMs} ms; last log lines:\n${tail(log)}`);
    await sleep(250);
  }
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-8).join("\n");
  } catch {
    return "(no log)";
  }
}

function conf(dir: string, fsid: string, monPort: number, rgwPort: number, opts: RgwOptions): string {
  return `# written by test/support/rgw.ts: single-node lab cluster on loopback
[global]
fsid = ${fsid}
mon host = v2:127.0.0.1:${monPort}
mon initial members = a
public addr = 127.0.0.1
public network = 127.0.0.0/8
ms bind ipv6 = false
ms bind msgr1 = false
ms bind msgr2 = true
auth cluster required = none
auth service required = none
auth client required = none
auth allow insecure global id reclaim = true
keyring = ${dir}/keyring
run dir = ${dir}/run
admin socket = ${dir}/run/$name.asok
pid file = ${dir}/run/$name.pid
log file = ${dir}/log/$name.log
mon cluster log file = ${dir}/log/cluster.log
log to stderr = false
err to stderr = true
crash dir = ${dir}/crash
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon warn on pool no redundancy = false
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon max pg per osd = 1000
osd crush chooseleaf type = 0
mon data avail warn = 2
mon data avail crit = 1

[mon]
mon data = ${dir}/mon/ceph-a

[osd]
osd data = ${dir}/osd/ceph-0
osd objectstore = memstore
memstore device bytes = ${opts.osdBytes ?? 4 * 1024 ** 3}
# the OSD is never restarted here, so nothing needs saving on stop
osd fast shutdown = true
osd op num shards = 1
osd op num threads per shard = 2

[client]
ms mon client mode = crc
ms client mode = crc
rgw data = ${dir}/rgw
rgw frontends = beast endpoint=127.0.0.1:${rgwPort}
rgw zone = default
rgw enable apis = s3, iam
rgw lc debug interval = ${opts.lcDaySeconds ?? 0}
rgw lifecycle work time = 00:00-23:59
rgw lc max worker = 1
# lifecycle runs when a test calls runLifecycle(); the gateway's own thread would hold the shard
# locks (radosgw-admin then waits ~10 s) and visits 8 buckets only every 30 s or so. A pass costs
# ~2 s per bucket holding objects (RGW 16 drains a work queue per bucket).
rgw enable lc threads = false
rgw thread pool size = 64
`;
}

const key = (n: number, alphabet: string) => Array.from(randomBytes(n), (b) => alphabet[b % alphabet.length]).join("");
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const MIXED = `${UPPER}abcdefghijklmnopqrstuvwxyz`;

/** Starts a fresh cluster (~13 s). Always `stop()` it (afterAll). */
export async function startRgw(opts: RgwOptions = {}): Promise<Rgw> {
  const dir = tempDir("rgw");
  for (const d of ["run", "log", "crash", "rgw", "mon", "osd/ceph-0"]) fs.mkdirSync(path.join(dir, d), { recursive: true });
  const [monPort, rgwPort] = [await freePort(), await freePort()];
  const cfg = path.join(dir, "ceph.conf");
  const fsid = randomUUID();
  fs.writeFileSync(cfg, conf(dir, fsid, monPort, rgwPort, opts));
  const log = (n: string) => path.join(dir, "log", `${n}.out`);
  const ceph = (...args: string[]) => runOk("ceph", ["-c", cfg, "--connect-timeout", "10", ...args], { timeoutMs: 30_000 });
  const radosgwAdmin = (...args: string[]) => runOk("radosgw-admin", ["-c", cfg, "-n", "client.admin", ...args], { timeoutMs: 30_000 });
  const services: Array<Service & { child: { exitCode: number | null } }> = [];
  const daemon = (name: string, cmd: string, args: string[]) => {
    const svc = startService(cmd, [...args, "-c", cfg, "-f"], { logFile: log(name) });
    services.push(svc);
    return svc;
  };
  let gateway: (Service & { child: { exitCode: number | null } }) | undefined;
  const stopAll = async () => {
    if (gateway) await gateway.stop();
    for (const svc of services.splice(0).reverse()) await svc.stop();
  };
  const endpoint = `http://127.0.0.1:${rgwPort}`;
  const gatewayUp = async () => {
    try {
      const res = await fetch(`${endpoint}/`);
      return res.headers.has("x-amz-request-id");
    } catch {
      return false;
    }
  };
  const startGateway = async () => {
    gateway = startService("radosgw", ["-c", cfg, "-n", "client.rgw.lab", "-f"], { logFile: log("radosgw") });
    const g = gateway;
    await until("radosgw", 60_000, gatewayUp, () => g.child.exitCode === null, log("radosgw"));
  };
  try {
    runOk("monmaptool", ["--create", "--clobber", "--fsid", fsid, "--addv", "a", `[v2:127.0.0.1:${monPort}]`, path.join(dir, "monmap")]);
    runOk("ceph-authtool", ["--create-keyring", path.join(dir, "keyring"), "--gen-key", "-n", "mon.", "--cap", "mon", "allow *"]);
    runOk("ceph-authtool", [path.join(dir, "keyring"), "--gen-key", "-n", "client.admin", "--cap", "mon", "allow *", "--cap", "osd", "allow *"]);
    runOk("ceph-mon", ["-c", cfg, "--mkfs", "-i", "a", "--monmap", path.join(dir, "monmap"), "--keyring", path.join(dir, "keyring")]);
    const mon = daemon("mon.a", "ceph-mon", ["-i", "a"]);
    await until("ceph-mon", 30_000, () => {
      try { ceph("mon", "stat"); return true; } catch { return false; }
    }, () => mon.child.exitCode === null, log("mon.a"));
    const osdUuid = randomUUID();
    const id = ceph("osd", "new", osdUuid).trim();
    if (id !== "0") throw new Error(`unexpected OSD id ${id}`);
    runOk("ceph-osd", ["-c", cfg, "-i", "0", "--mkfs", "--osd-uuid", osdUuid], { timeoutMs: 60_000 });
    const osd = daemon("osd.0", "ceph-osd", ["-i", "0"]);
    await until("ceph-osd", 60_000, () => {
      try { return /^osd\.0 up/m.test(ceph("osd", "dump")); } catch { return false; }
    }, () => osd.child.exitCode === null, log("osd.0"));
    await startGateway();
  } catch (err) {
    await stopAll();
    throw err;
  }

  const clientConfig = (u: S3Target) => ({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: u.accessKeyId, secretAccessKey: u.secretAccessKey },
    maxAttempts: 1,
  });
  const createUser = (name: string, o: { canCreateBuckets?: boolean; system?: boolean; caps?: string } = {}): RgwUser => {
    const secret = key(40, MIXED);
    radosgwAdmin("user", "create", `--uid=${name}`, `--display-name=${name}`, `--access-key=${name}`, `--secret-key=${secret}`,
      ...(o.canCreateBuckets === false ? ["--max-buckets=-1"] : []), ...(o.system ? ["--system"] : []), ...(o.caps ? [`--caps=${o.caps}`] : []));
    return { user: name, endpoint, accessKeyId: name, secretAccessKey: secret };
  };
  const admin = createUser(`admin-${key(6, UPPER).toLowerCase()}`, { system: true, caps: "users=*;buckets=*;metadata=*;user-policy=*" });
  const iamClients = new Map<string, IAMClient>();
  const rgw: Rgw = {
    endpoint,
    admin,
    dir,
    s3: (u) => new S3Client({
      ...clientConfig(u),
      forcePathStyle: true,
      // RGW 16 predates the SDK's default CRC32 trailers on every upload.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    }),
    iam: (u) => new IAMClient(clientConfig(u)),
    createUser: (name, o = {}) => createUser(name, { canCreateBuckets: o.canCreateBuckets ?? false }),
    async putUserPolicy(user, policyName, policy) {
      const iam = iamClients.get(admin.user) ?? rgw.iam(admin);
      iamClients.set(admin.user, iam);
      await iam.send(new PutUserPolicyCommand({ UserName: user, PolicyName: policyName, PolicyDocument: policy }));
    },
    async runLifecycle() {
      await new Promise<void>((resolve, reject) => execFile("radosgw-admin", ["-c", cfg, "-n", "client.admin", "lc", "process"], { timeout: 120_000 },
        (err, _out, stderr) => (err ? reject(new Error(`radosgw-admin lc process: ${err.message} ${stderr}`)) : resolve())));
    },
    async stopGateway() {
      await gateway?.stop();
      gateway = undefined;
    },
    startGateway,
    async stop() {
      await stopAll();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return rgw;
}
