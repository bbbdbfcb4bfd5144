/**
 * The Volsync maintenance scripts, run for real with bash, jq and curl. Kubernetes and kopia are not
 * available here, so each talks to a stand-in: a loopback HTTP server answering the
 * ReplicationDestination list (test/support/stand-ins/kube-api.js) and a kopia CLI answering from
 * fixtures (test/support/stand-ins/kopia). What is left to a cluster: the real API server's RBAC and
 * a real Kopia repository's verify output.
 */
import * as fs from "fs";
import * as path from "path";
import { KOPIA_LIB, VOLSYNC_STUCK_SCRIPT, VOLSYNC_VERIFY_SCRIPT } from "../../components/volsync/scripts";
import { Service, freePort, startService, tempDir, waitForPort } from "../support/proc";
import { runScript, stageScripts } from "../support/scripts";

const STAND_INS = path.join(__dirname, "../support/stand-ins");
const TOKEN = "sa-token-7f3c";
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString().replace(/\.\d+Z$/, "Z");

function destination(name: string, opts: { manual?: string; lastManualSync?: string; startedMinutesAgo?: number; createdMinutesAgo: number }) {
  return {
    metadata: { namespace: "home", name, creationTimestamp: minutesAgo(opts.createdMinutesAgo) },
    spec: { trigger: opts.manual ? { manual: opts.manual } : { schedule: "0 * * * *" } },
    status: {
      ...(opts.lastManualSync ? { lastManualSync: opts.lastManualSync } : {}),
      ...(opts.startedMinutesAgo !== undefined ? { lastSyncStartTime: minutesAgo(opts.startedMinutesAgo) } : {}),
    },
  };
}

describe("volsync-stuck-restore.sh against a stand-in API server", () => {
  let api: Service;
  let port: number;
  let saDir: string;
  const fixture = path.join(tempDir("kube-api"), "list.json");
  const scripts = stageScripts([VOLSYNC_STUCK_SCRIPT]);

  beforeAll(async () => {
    port = await freePort();
    saDir = tempDir("sa");
    fs.writeFileSync(path.join(saDir, "token"), TOKEN);
    api = startService("node", [path.join(STAND_INS, "kube-api.js"), String(port), TOKEN, fixture], { logFile: path.join(saDir, "api.log") });
    await waitForPort(port);
  });
  afterAll(async () => api?.stop());

  const detect = (items: unknown[], env: NodeJS.ProcessEnv = {}) => {
    fs.writeFileSync(fixture, JSON.stringify({ items }));
    return runScript(scripts, "volsync-stuck-restore.sh", { KUBE_API: `http://127.0.0.1:${port}`, SERVICE_ACCOUNT_DIR: saDir, ...env });
  };

  it("logs a restore pending past the threshold as stuck, and one still in time as in progress; changes nothing, exits 0", () => {
    const res = detect([
      destination("homeassistant-dst", { manual: "restore-once", startedMinutesAgo: 75, createdMinutesAgo: 80 }),
      destination("zigbee2mqtt-dst", { manual: "restore-once", startedMinutesAgo: 10, createdMinutesAgo: 12 }),
      destination("mosquitto-dst", { manual: "restore-once", lastManualSync: "restore-once", startedMinutesAgo: 500, createdMinutesAgo: 600 }),
      destination("scheduled-dst", { createdMinutesAgo: 900 }),
    ]);
    expect(res.status).toBe(0);
    expect(res.output).toContain("stuck restore home/homeassistant-dst: manual trigger 'restore-once' pending for 75m (threshold 60m)");
    expect(res.output).toContain("restore in progress home/zigbee2mqtt-dst: manual trigger 'restore-once' pending for 10m");
    expect(res.output).not.toContain("mosquitto-dst");
    expect(res.output).not.toContain("scheduled-dst");
    expect(res.output).toContain("checked 4 ReplicationDestination(s): 2 pending, 1 stuck");
  });

  it("counts a restore that never started from the destination's creation, and honours THRESHOLD_MINUTES", () => {
    const res = detect([destination("paperless-dst", { manual: "restore-once", createdMinutesAgo: 31 })], { THRESHOLD_MINUTES: "30" });
    expect(res.status).toBe(0);
    expect(res.output).toContain("stuck restore home/paperless-dst: manual trigger 'restore-once' pending for 31m (threshold 30m)");
  });

  it("stays quiet when nothing is pending", () => {
    const res = detect([]);
    expect(res.status).toBe(0);
    expect(res.output).toContain("checked 0 ReplicationDestination(s): 0 pending, 0 stuck");
    expect(res.output).not.toContain("stuck restore");
  });

  it("fails with a one-line cause when the API refuses the token, and never puts the token on a command line or in the log", () => {
    const wrongDir = tempDir("sa-wrong");
    fs.writeFileSync(path.join(wrongDir, "token"), "not-the-token");
    const res = detect([], { SERVICE_ACCOUNT_DIR: wrongDir });
    expect(res.status).not.toBe(0);
    expect(res.output).toMatch(/FAILED: cannot list ReplicationDestinations: .*401/);
    expect(res.output).not.toContain("not-the-token");
    expect(fs.readFileSync(VOLSYNC_STUCK_SCRIPT, "utf8")).toContain('-H @"$WORK/auth"');
  });

  it("fails when the API server cannot be reached", () => {
    const res = detect([], { KUBE_API: "http://127.0.0.1:1" });
    expect(res.status).not.toBe(0);
    expect(res.output).toContain("FAILED: cannot list ReplicationDestinations:");
  });
});

describe("volsync-verify.sh with a stand-in kopia", () => {
  const scripts = stageScripts([VOLSYNC_VERIFY_SCRIPT, KOPIA_LIB]);
  const dir = tempDir("kopia");
  const snapshots = path.join(dir, "snapshots.json");
  const log = path.join(dir, "kopia.log");
  const snapshot = (user: string, host: string, startTime: string, totalSize: number) => ({
    id: `${user}-${startTime}`, source: { host, userName: user, path: "/data" }, startTime, stats: { totalSize },
  });
  fs.writeFileSync(snapshots, JSON.stringify([
    snapshot("homeassistant", "home", "2026-11-22T10:00:00Z", 1000),
    snapshot("homeassistant", "home", "2026-11-22T11:00:00Z", 1200),
    snapshot("zigbee2mqtt", "home", "2026-11-22T11:00:00Z", 300),
  ]));
  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    KOPIA_PASSWORD: "kopia-pass-9d2e",
    BACKUP_S3_ENDPOINT: "http://10.0.0.9:9000",
    BACKUP_S3_BUCKET: "garage-backup-volsync",
    BACKUP_S3_ACCESS_KEY_ID: "garage-backup-volsync",
    BACKUP_S3_SECRET_ACCESS_KEY: "writer-secret-51ab",
    EXPECTED_SOURCES: "homeassistant@home,zigbee2mqtt@home",
    FAKE_KOPIA_LOG: log,
    FAKE_KOPIA_SNAPSHOTS: snapshots,
    ...extra,
  });
  const verify = (extra: NodeJS.ProcessEnv = {}) => {
    fs.rmSync(log, { force: true });
    return runScript(scripts, "volsync-verify.sh", env(extra), { pathPrefix: STAND_INS });
  };

  it("reports snapshot counts per source and passes when verification finds no error", () => {
    const res = verify();
    expect(res.status).toBe(0);
    expect(res.output).toContain("connected to s3://garage-backup-volsync/kopia/ read-only");
    expect(res.output).toContain("source homeassistant@home: 2 snapshot(s), newest 2026-11-22T11:00:00Z, 1200 bytes");
    expect(res.output).toContain("source zigbee2mqtt@home: 1 snapshot(s), newest 2026-11-22T11:00:00Z, 300 bytes");
    expect(res.output).toContain("verify OK: 3 snapshot(s) of 2 source(s), 5% of files read back");
  });

  it("connects read-only over plain HTTP with the keys in kopia's environment, never on its command line", () => {
    verify({ VERIFY_FILES_PERCENT: "12.5" });
    const calls = fs.readFileSync(log, "utf8");
    expect(calls).toContain("repository connect s3 --bucket=garage-backup-volsync --prefix=kopia/ --endpoint=10.0.0.9:9000 --region=us-east-1 --disable-tls --readonly KEYS=set PASSWORD=set");
    expect(calls).toContain("snapshot verify --verify-files-percent=12.5");
    expect(calls).not.toContain("writer-secret-51ab");
    expect(calls).not.toContain("kopia-pass-9d2e");
  });

  it("fails loudly when verification reports errors", () => {
    const res = verify({ FAKE_KOPIA_ERRORS: "2" });
    expect(res.status).not.toBe(0);
    expect(res.output).toContain("kopia: ERROR error processing snapshot root: unable to read object k1: content not found");
    expect(res.output).toContain("FAILED: verify failed: Finished processing 1234 objects, found 2 errors.");
  });

  it("fails when an expected app has no snapshot at all", () => {
    const res = verify({ EXPECTED_SOURCES: "homeassistant@home,paperless@docs" });
    expect(res.status).not.toBe(0);
    expect(res.output).toContain("no snapshots for paperless@docs");
    expect(res.output).toContain("FAILED: 1 expected source(s) have no snapshots");
  });

  it("fails with a one-line cause when the repository cannot be opened, and never logs the password", () => {
    const res = verify({ FAKE_KOPIA_CONNECT: "fail" });
    expect(res.status).not.toBe(0);
    expect(res.output).toContain("FAILED: cannot open the Kopia repository at s3://garage-backup-volsync/kopia/: ERROR error connecting to repository: invalid repository password");
    expect(res.output).not.toContain("kopia-pass-9d2e");
  });

  it("refuses to run without the repository password", () => {
    const res = verify({ KOPIA_PASSWORD: "" });
    expect(res.status).not.toBe(0);
    expect(res.output).toContain("KOPIA_PASSWORD is required");
  });

  it("opens a filesystem repository when KOPIA_FS_PATH is set", () => {
    const res = verify({ KOPIA_FS_PATH: "/repository", BACKUP_S3_ENDPOINT: "" });
    expect(res.status).toBe(0);
    expect(fs.readFileSync(log, "utf8")).toContain("repository connect filesystem --path=/repository --readonly");
  });
});
