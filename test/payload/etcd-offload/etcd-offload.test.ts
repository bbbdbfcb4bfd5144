/**
 * etcd-offload.sh with real etcd 3.4 snapshots and s3rver (faults.md 16-19): what is skipped, what
 * the state directory decides, corrupt snapshots beside good ones, and keys given only as systemd
 * credential files — never on a command line or in the log.
 */
import * as fs from "fs";
import * as path from "path";
import { ETCD_SCRIPTS } from "../../../components/etcd-offload/scripts";
import { ControlPlaneNode as Node, controlPlaneNode as node, realSnapshots, snapshotName as snap } from "../../support/etcd-node";
import { listObjects, rclone, readObject } from "../../support/rclone";
import { startS3, S3Server } from "../../support/s3";
import { runOk } from "../../support/proc";
import { hubEnv, runScript, stageScripts } from "../../support/scripts";

const BUCKETS = ["e16", "e17", "e18", "e19", "e10"];
let s3: S3Server;
let scripts: string;
const golden: Buffer[] = [];

beforeAll(async () => {
  s3 = await startS3(BUCKETS);
  scripts = stageScripts(ETCD_SCRIPTS);
  golden.push(...(await realSnapshots(3)));
}, 60_000);
afterAll(async () => {
  await s3?.stop();
});

const offload = (bucket: string, n: Node, extra: NodeJS.ProcessEnv = {}, pathPrefix?: string) =>
  runScript(scripts, "etcd-offload.sh", {
    ...hubEnv(s3, bucket), SNAPSHOT_DIR: n.snapshots, STATE_DIRECTORY: n.state, NODE_NAME: "cp-1", MIN_AGE_SECONDS: "120",
    TOKEN_FILE: n.token, TEXTFILE_DIR: n.textfile, ...extra,
  }, { pathPrefix });
const keysIn = (bucket: string) => listObjects(s3, bucket).map((o) => o.Path).sort();

describe("etcd-offload.sh", () => {
  it("16: skips *.part/*.tmp files and snapshots modified within MIN_AGE_SECONDS", () => {
    const n = node({ [snap(0)]: golden[0], [`${snap(1)}.part`]: golden[1], "etcd-snapshot-x.tmp": golden[1] });
    fs.writeFileSync(path.join(n.snapshots, snap(2)), golden[2]); // just written
    const res = offload("e16", n);
    expect(res.output).toContain(`skipping ${snap(1)}.part: in progress`);
    expect(res.output).toContain("skipping etcd-snapshot-x.tmp: in progress");
    expect(res.output).toMatch(new RegExp(`skipping ${snap(2)}: modified \\d+s ago \\(MIN_AGE_SECONDS=120\\)`));
    expect(res.output).toContain("offload OK node=cp-1 uploaded=1 skipped=3 corrupt=0 failed=0");
    expect(res.status).toBe(0);
    expect(keysIn("e16")).toEqual([`cp-1/${snap(0)}`, `cp-1/${snap(0)}.sha256`, "cp-1/server-token"]);
  });

  it("uploads each snapshot then its .sha256 in sha256sum format, and writes the textfile metric", () => {
    const marker = readObject(s3, "e16", `cp-1/${snap(0)}.sha256`).toString("utf8");
    const { createHash } = require("crypto"); // eslint-disable-line @typescript-eslint/no-require-imports
    expect(marker).toBe(`${createHash("sha256").update(golden[0]).digest("hex")}  ${snap(0)}\n`);
    expect(readObject(s3, "e16", `cp-1/${snap(0)}`).equals(golden[0])).toBe(true);
  });

  it("17: a second run with nothing new uploads nothing; without its state it re-records and never overwrites", () => {
    const n = node({ [snap(0)]: golden[0], [snap(1)]: golden[1] });
    const first = offload("e17", n);
    expect(first.output).toContain("uploaded=2");
    const before = listObjects(s3, "e17").map((o) => `${o.Path}@${o.ModTime}`).sort();

    const second = offload("e17", n);
    expect(second.output).toContain("offload OK node=cp-1 uploaded=0 skipped=0 corrupt=0 failed=0");
    expect(second.output).not.toContain("uploaded cp-1/");
    expect(second.status).toBe(0);

    fs.rmSync(n.state, { recursive: true, force: true });
    const third = offload("e17", n);
    expect(third.output).toContain(`already on the hub: cp-1/${snap(0)} (recorded, not overwritten)`);
    expect(third.output).toContain(`already on the hub: cp-1/${snap(1)} (recorded, not overwritten)`);
    expect(third.output).toContain("uploaded=0");
    expect(listObjects(s3, "e17").filter((o) => !o.Path.endsWith("server-token")).map((o) => `${o.Path}@${o.ModTime}`).sort())
      .toEqual(before.filter((k) => !k.includes("server-token")));
    expect(fs.readdirSync(path.join(n.state, "uploaded")).sort()).toEqual([snap(0), snap(1)]);
  });

  it("18: truncated and bit-flipped snapshots are refused, not recorded, fail the run — the good ones still upload", () => {
    const truncated = golden[1].subarray(0, golden[1].length - 1000);
    const flipped = Buffer.from(golden[2]);
    flipped[Math.floor(flipped.length / 2)] ^= 0x10;
    const n = node({ [snap(0)]: golden[0], [snap(1)]: truncated, [snap(2)]: flipped, [snap(3)]: golden[1] });
    const res = offload("e18", n);
    expect(res.status).not.toBe(0);
    expect(res.output).toContain(`corrupt snapshot ${snap(1)}: its embedded sha256 does not match; not uploaded`);
    expect(res.output).toContain(`corrupt snapshot ${snap(2)}: its embedded sha256 does not match; not uploaded`);
    expect(res.output).toContain("FAILED: offload incomplete: node=cp-1 uploaded=2 skipped=0 corrupt=2 failed=0");
    expect(keysIn("e18")).toEqual([`cp-1/${snap(0)}`, `cp-1/${snap(0)}.sha256`, `cp-1/${snap(3)}`, `cp-1/${snap(3)}.sha256`, "cp-1/server-token"]);
    expect(fs.readdirSync(path.join(n.state, "uploaded")).sort()).toEqual([snap(0), snap(3)]);
    expect(fs.existsSync(path.join(n.textfile, "etcd_offload.prom"))).toBe(false);
  });

  it("19: works with keys only as credential files; no key in argv or logs; the token uploads once and never shows", () => {
    const n = node({ [snap(0)]: golden[0] });
    const creds = path.join(n.root, "credentials");
    fs.mkdirSync(creds, { mode: 0o700 });
    fs.writeFileSync(path.join(creds, "backup-s3-access-key-id"), "S3RVER");
    fs.writeFileSync(path.join(creds, "backup-s3-secret-access-key"), "Sekr3t-From-Credential-File-991");
    const shim = path.join(n.root, "bin");
    const argvLog = path.join(n.root, "argv.log");
    fs.mkdirSync(shim);
    fs.writeFileSync(path.join(shim, "rclone"), `#!/usr/bin/env bash\nprintf '%s\\n' "$*" >> "${argvLog}"\nexec /usr/bin/rclone "$@"\n`, { mode: 0o755 });
    const env = { BACKUP_S3_ACCESS_KEY_ID: "", BACKUP_S3_SECRET_ACCESS_KEY: "", CREDENTIALS_DIRECTORY: creds };
    const res = offload("e19", n, env, shim);
    expect(res.output).toContain("offload OK node=cp-1 uploaded=1");
    expect(res.status).toBe(0);
    expect(keysIn("e19")).toEqual([`cp-1/${snap(0)}`, `cp-1/${snap(0)}.sha256`, "cp-1/server-token"]);
    const argv = fs.readFileSync(argvLog, "utf8");
    expect(argv).toContain("copyto"); // the shim saw the uploads
    for (const secret of ["Sekr3t-From-Credential-File-991", "Tok3n-Never-Logged-4471"]) {
      expect(argv).not.toContain(secret);
      expect(res.output).not.toContain(secret);
    }
    expect(readObject(s3, "e19", "cp-1/server-token").toString("utf8")).toContain("Tok3n-Never-Logged-4471");
    const prom = fs.readFileSync(path.join(n.textfile, "etcd_offload.prom"), "utf8");
    expect(prom).toMatch(/^etcd_offload_last_success_timestamp_seconds\{node="cp-1"\} \d{10}$/m);
    const again = offload("e19", n, env, shim);
    expect(again.output).not.toContain("uploaded cp-1/server-token");
    expect(again.status).toBe(0);
  });

  it("#10: the server token comes back when the hub's lifecycle expired it, and is refreshed before it could expire", () => {
    const n = node({ [snap(0)]: golden[0] });
    expect(offload("e10", n).status).toBe(0);
    const quiet = offload("e10", n);
    expect(quiet.output).not.toContain("server token uploaded");
    // What current-object expiry does on the hub: the key is gone from the listing.
    expect(rclone(s3, ["deletefile", "s3:e10/cp-1/server-token"]).status).toBe(0);
    expect(keysIn("e10")).not.toContain("cp-1/server-token");
    const back = offload("e10", n);
    expect(back.output).toContain("server token uploaded: missing on the hub");
    expect(back.status).toBe(0);
    expect(readObject(s3, "e10", "cp-1/server-token").toString("utf8")).toContain("Tok3n-Never-Logged-4471");
    // An unchanged token older than TOKEN_REFRESH_SECONDS on the hub is uploaded again (a new current
    // version: the hub's upload time moves — rclone would skip an unchanged file without --ignore-times).
    const uploadedAt = () => rclone(s3, ["lsl", "--use-server-modtime", "s3:e10/cp-1/server-token"]).stdout;
    const before = uploadedAt();
    runOk("sleep", ["1.1"]);
    const refreshed = offload("e10", n, { TOKEN_REFRESH_SECONDS: "0" });
    expect(refreshed.output).toMatch(/server token uploaded: hub copy is \d+s old \(TOKEN_REFRESH_SECONDS=0\)/);
    expect(uploadedAt()).not.toBe(before);
    expect(refreshed.output).not.toContain("Tok3n-Never-Logged-4471");
    expect(offload("e10", n, { TOKEN_REFRESH_SECONDS: "soon" }).output).toContain("TOKEN_REFRESH_SECONDS must be a whole number of seconds, not 'soon'");
  });

  it("#10: writes the textfile metric mode 0644 even under the unit's UMask=0077 (node-exporter runs as nobody)", () => {
    const n = node({ [snap(0)]: golden[0] });
    const previous = process.umask(0o077);
    try {
      expect(offload("e10", n).status).toBe(0);
    } finally {
      process.umask(previous);
    }
    expect(fs.statSync(path.join(n.textfile, "etcd_offload.prom")).mode & 0o777).toBe(0o644);
  });

  it("fails clearly without keys in the environment or the credentials directory", () => {
    const n = node({});
    const res = offload("e19", n, { BACKUP_S3_ACCESS_KEY_ID: "", BACKUP_S3_SECRET_ACCESS_KEY: "" });
    expect(res.status).not.toBe(0);
    expect(res.output).toContain("BACKUP_S3_ACCESS_KEY_ID is required");
  });
});
