/**
 * An S3 stand-in for payload tests: s3rver on a free loopback port with the given buckets.
 * Limits (facts.md): no versioning, lifecycle or ListMultipartUploads, no SigV4 check — no test
 * may claim to prove those against it.
 */
import * as path from "path";
import * as fs from "fs";
import { freePort, run, Service, startService, tempDir, waitForPort } from "./proc";

export interface S3Server extends Service {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  dataDir: string;
}

const S3RVER = path.resolve(__dirname, "../../node_modules/s3rver/bin/s3rver.js");

/** `tls`: serve HTTPS with this key and certificate (e.g. from {@link privateCa}). */
export async function startS3(buckets: string[], tls?: { key: string; cert: string }): Promise<S3Server> {
  const root = tempDir("s3rver");
  const dataDir = path.join(root, "data");
  const port = await freePort();
  const args = [S3RVER, "-d", dataDir, "-a", "127.0.0.1", "-p", String(port), "-s"];
  if (tls) args.push("--key", tls.key, "--cert", tls.cert);
  for (const b of buckets) args.push("--configure-bucket", b);
  const svc = startService(process.execPath, args, { logFile: path.join(root, "s3rver.log"), removeOnStop: root });
  await waitForPort(port, 15_000, () => svc.child.exitCode === null);
  return { ...svc, endpoint: `${tls ? "https" : "http"}://127.0.0.1:${port}`, accessKeyId: "S3RVER", secretAccessKey: "S3RVER", dataDir };
}

/** A private CA and a server certificate it signed for 127.0.0.1 (openssl), as files in a temp dir. */
export function privateCa(): { ca: string; key: string; cert: string } {
  const dir = tempDir("ca");
  const f = (n: string) => path.join(dir, n);
  const openssl = (...args: string[]) => {
    const res = run("openssl", args);
    if (res.status !== 0) throw new Error(`openssl ${args[0]} failed: ${res.stderr}`);
  };
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f("ca.key"), "-out", f("ca.crt"), "-days", "2", "-subj", "/CN=homelab-backups test CA");
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f("server.key"), "-out", f("server.csr"), "-subj", "/CN=127.0.0.1");
  fs.writeFileSync(f("san.cnf"), "subjectAltName=IP:127.0.0.1\n");
  openssl("x509", "-req", "-in", f("server.csr"), "-CA", f("ca.crt"), "-CAkey", f("ca.key"), "-CAcreateserial", "-out", f("server.crt"), "-days", "2", "-extfile", f("san.cnf"));
  return { ca: f("ca.crt"), key: f("server.key"), cert: f("server.crt") };
}
