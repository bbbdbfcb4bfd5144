/**
 * The payload-test harness proves itself: each helper starts a real server on loopback, does a
 * real round trip, and stops it by PID.
 */
import { createHash, randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { startEtcd } from "../support/etcd";
import { startPostgres } from "../support/postgres";
import { run, tempDir } from "../support/proc";
import { listObjects, rclone, rcloneEnv } from "../support/rclone";
import { startS3 } from "../support/s3";

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("s3rver + rclone helper", () => {
  it("round-trips an object byte-identical through a real S3 server and stops it by PID", async () => {
    const s3 = await startS3(["harness-bucket"]);
    try {
      const payload = randomBytes(3 * 1024 * 1024 + 17);
      const put = rclone(s3, ["rcat", "s3:harness-bucket/dir/with space/ünï.bin"], payload);
      expect(put.stderr).not.toContain("ERROR");
      expect(put.status).toBe(0);
      expect(listObjects(s3, "harness-bucket")).toEqual([expect.objectContaining({ Path: "dir/with space/ünï.bin", Size: payload.length })]);
      const dir = tempDir("dl");
      const file = path.join(dir, "x.bin");
      expect(rclone(s3, ["copyto", "s3:harness-bucket/dir/with space/ünï.bin", file]).status).toBe(0);
      expect(fs.readFileSync(file).equals(payload)).toBe(true);
      fs.rmSync(dir, { recursive: true });
    } finally {
      await s3.stop();
    }
    expect(alive(s3.pid)).toBe(false);
  });

  it("removes AWS_CA_BUNDLE, without which every rclone S3 call fails", async () => {
    const s3 = await startS3(["ca-bucket"]);
    try {
      const env = { ...rcloneEnv("s3", s3), AWS_CA_BUNDLE: "/nonexistent/ca.pem" };
      const broken = run("rclone", ["--retries", "1", "--low-level-retries", "1", "lsjson", "s3:ca-bucket"], { env });
      expect(broken.status).not.toBe(0);
      expect(broken.stderr).toContain("LoadCustomCABundleError");
      expect(rcloneEnv("s3", s3, { AWS_CA_BUNDLE: "/x" }).AWS_CA_BUNDLE).toBeUndefined();
      expect(rclone(s3, ["lsjson", "s3:ca-bucket"]).status).toBe(0);
    } finally {
      await s3.stop();
    }
  });
});

describe("PostgreSQL 15 helper", () => {
  it.each(["postgres", "drilladmin"])("starts a throwaway cluster bootstrapped as %s and answers queries", async (superuser) => {
    const pg = await startPostgres({ superuser });
    try {
      expect(pg.psql("SELECT current_user")).toBe(superuser);
      expect(pg.psql("SHOW server_version_num").startsWith("15")).toBe(true);
      pg.psql("CREATE DATABASE harness");
      pg.psql("CREATE TABLE t(id int); INSERT INTO t SELECT generate_series(1, 1234);", "harness");
      expect(pg.psql("SELECT count(*) FROM t", "harness")).toBe("1234");
      const wrong = run("/usr/lib/postgresql/15/bin/psql", ["-X", "-c", "SELECT 1"], { env: { ...process.env, ...pg.env(), PGPASSWORD: "wrong" } });
      expect(wrong.status).not.toBe(0);
      expect(wrong.stderr).toContain("password authentication failed");
    } finally {
      await pg.stop();
    }
    expect(alive(pg.pid)).toBe(false);
  });
});

describe("etcd 3.4 helper", () => {
  it("takes a real snapshot whose last 32 bytes are the sha256 of the rest", async () => {
    const etcd = await startEtcd();
    const dir = tempDir("snap");
    const file = path.join(dir, "etcd-snapshot-test");
    try {
      etcd.put("/registry/harness", "x".repeat(200_000));
      etcd.snapshot(file);
    } finally {
      await etcd.stop();
    }
    expect(alive(etcd.pid)).toBe(false);
    const bytes = fs.readFileSync(file);
    fs.rmSync(dir, { recursive: true });
    expect(bytes.length).toBeGreaterThan(200_000);
    const body = bytes.subarray(0, bytes.length - 32);
    expect(createHash("sha256").update(body).digest().equals(bytes.subarray(bytes.length - 32))).toBe(true);
  });
});
