/**
 * An S3 stand-in for payload tests: s3rver on a free loopback port with the given buckets.
 * Limits (facts.md): no versioning, lifecycle or ListMultipartUploads, no SigV4 check — no test
 * may claim to prove those against it.
 */
import * as path from "path";
import { freePort, Service, startService, tempDir, waitForPort } from "./proc";

export interface S3Server extends Service {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  dataDir: string;
}

const S3RVER = path.resolve(__dirname, "../../node_modules/s3rver/bin/s3rver.js");

export async function startS3(buckets: string[]): Promise<S3Server> {
  const root = tempDir("s3rver");
  const dataDir = path.join(root, "data");
  const port = await freePort();
  const args = [S3RVER, "-d", dataDir, "-a", "127.0.0.1", "-p", String(port), "-s"];
  for (const b of buckets) args.push("--configure-bucket", b);
  const svc = startService(process.execPath, args, { logFile: path.join(root, "s3rver.log"), removeOnStop: root });
  await waitForPort(port, 15_000, () => svc.child.exitCode === null);
  return { ...svc, endpoint: `http://127.0.0.1:${port}`, accessKeyId: "S3RVER", secretAccessKey: "S3RVER", dataDir };
}
