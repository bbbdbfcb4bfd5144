/**
 * #10 item 13: an https hub whose certificate a private CA signed. Against s3rver serving TLS on
 * loopback with a certificate from a CA made here: without BACKUP_S3_CA_FILE the script fails on the
 * certificate (nothing uploaded); with it, it uploads; an unreadable CA file is refused up front.
 */
import * as fs from "fs";
import * as path from "path";
import { ETCD_SCRIPTS } from "../../components/etcd-offload/scripts";
import { tempDir } from "../support/proc";
import { rclone } from "../support/rclone";
import { S3Server, privateCa, startS3 } from "../support/s3";
import { hubEnv, runScript, stageScripts } from "../support/scripts";

let s3: S3Server;
let ca: { ca: string; key: string; cert: string };
let scripts: string;

beforeAll(async () => {
  ca = privateCa();
  s3 = await startS3(["tls"], ca);
  scripts = stageScripts(ETCD_SCRIPTS);
}, 60_000);
afterAll(async () => {
  await s3?.stop();
});

function offload(extra: NodeJS.ProcessEnv) {
  const root = tempDir("tls-node");
  fs.mkdirSync(path.join(root, "snapshots"));
  return runScript(scripts, "etcd-offload.sh", {
    ...hubEnv(s3, "tls"), SNAPSHOT_DIR: path.join(root, "snapshots"), STATE_DIRECTORY: path.join(root, "state"), NODE_NAME: "cp-1",
    TOKEN_FILE: path.join(root, "token"), RCLONE_RETRIES: "1", RCLONE_LOW_LEVEL_RETRIES: "1", ...extra,
  }, { timeoutMs: 60_000 });
}

/** Keys in the bucket, listed by the test with the CA (so a listing failure is not mistaken for "empty"). */
function keys(): string[] {
  const res = rclone(s3, ["--ca-cert", ca.ca, "lsjson", "-R", "--files-only", "s3:tls"]);
  if (res.status !== 0) throw new Error(`listing failed: ${res.stderr}`);
  return (JSON.parse(res.stdout) as { Path: string }[]).map((o) => o.Path);
}

// The token is the one object these empty nodes upload.
describe("a hub behind a private CA", () => {
  it("without the CA the upload fails on the certificate, and nothing lands", () => {
    const root = tempDir("tls-token");
    fs.writeFileSync(path.join(root, "token"), "K10-token\n");
    const res = offload({ TOKEN_FILE: path.join(root, "token") });
    expect(s3.endpoint).toMatch(/^https:/);
    expect(res.status).not.toBe(0);
    expect(res.output).toContain("x509: certificate signed by unknown authority");
    expect(keys()).toEqual([]);
  });

  it("with BACKUP_S3_CA_FILE the same run verifies the hub and uploads", () => {
    const root = tempDir("tls-token");
    fs.writeFileSync(path.join(root, "token"), "K10-token\n");
    const res = offload({ TOKEN_FILE: path.join(root, "token"), BACKUP_S3_CA_FILE: ca.ca });
    expect(res.output).toContain("server token uploaded: changed since the last upload");
    expect(res.status).toBe(0);
    expect(keys()).toEqual(["cp-1/server-token"]);
  });

  it("refuses an unreadable CA file before any transfer", () => {
    const res = offload({ BACKUP_S3_CA_FILE: "/nonexistent/hub-ca.crt" });
    expect(res.status).not.toBe(0);
    expect(res.output).toContain("BACKUP_S3_CA_FILE /nonexistent/hub-ca.crt is not readable");
  });
});
