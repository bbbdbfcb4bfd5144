/**
 * Scenario 20: the rendered units pass `systemd-analyze verify` with no stderr, score an exposure of
 * at most 2.5 with `security --offline=true`, keep the snapshot directory read-only, carry no key,
 * and the timer is hourly with RandomizedDelaySec and Persistent=true.
 */
import * as fs from "fs";
import { ETCD_OFFLOAD_SCRIPT } from "../../../components/etcd-offload/scripts";
import { INSTALL, SERVICE, TIMER, UnitArgs, offloadService, offloadTimer } from "../../../components/etcd-offload/units";
import { run } from "../../support/proc";
import { checkUnits } from "../../support/systemd";

const args: UnitArgs = {
  hub: { endpoint: "http://10.10.10.209:9000", bucket: "homelab-backup-etcd", region: "us-east-1" },
  snapshotDir: "/var/lib/rancher/k3s/server/db/snapshots", minAgeSeconds: 120, uploadToken: true,
  tokenFile: "/var/lib/rancher/k3s/server/token", tokenRefreshSeconds: 604800, textfileDir: "/var/lib/node_exporter/textfile_collector",
  onCalendar: "hourly", randomizedDelay: "15min",
};
const script = fs.readFileSync(ETCD_OFFLOAD_SCRIPT, "utf8");
// ExecStartPost= commands must exist in the scratch root for verify.
const tools = { "/usr/bin/install": "#!/bin/sh\n", "/usr/bin/mv": "#!/bin/sh\n" };
const check = (service: string, timer = offloadTimer(args)) => checkUnits({ [SERVICE]: service, [TIMER]: timer }, { [INSTALL.script]: script, ...tools }, SERVICE);

describe("etcd-offload units", () => {
  it("verify cleanly (no stderr at all) and score an exposure of at most 2.5", () => {
    const c = check(offloadService(args));
    try {
      expect(c.verifyStderr).toBe("");
      expect(c.verifyStatus).toBe(0);
      expect(c.exposure).toBeLessThanOrEqual(2.5);
    } finally {
      c.cleanup();
    }
  });

  it("keep the snapshot directory read-only and the keys out of Environment= and the command line", () => {
    const unit = offloadService(args);
    expect(unit).toContain(`ReadOnlyPaths=${args.snapshotDir}`);
    expect(unit).toContain("ProtectSystem=strict");
    expect(unit).toMatch(/^LoadCredential=backup-s3-access-key-id:\/etc\/etcd-offload\/credentials\/backup-s3-access-key-id$/m);
    expect(unit).toMatch(/^LoadCredential=backup-s3-secret-access-key:\/etc\/etcd-offload\/credentials\/backup-s3-secret-access-key$/m);
    expect(unit).not.toMatch(/ACCESS_KEY|SECRET/);
    expect(unit).toMatch(/^ExecStart=\/usr\/local\/lib\/etcd-offload\/etcd-offload.sh$/m);
    expect(unit).toContain("IPAddressAllow=localhost 10.10.10.209");
  });

  it("publish the textfile metric readable by node-exporter's user: the sandboxed script writes it in its state dir, a privileged ExecStartPost= installs it 0644 atomically", () => {
    const unit = offloadService(args);
    const dir = args.textfileDir;
    expect(unit).toMatch(/^Environment=TEXTFILE_DIR=%S\/etcd-offload$/m);
    expect(unit.split("\n").filter((l) => l.startsWith("ExecStartPost="))).toEqual([
      `ExecStartPost=+/usr/bin/install -m 0644 -T %S/etcd-offload/etcd_offload.prom ${dir}/.etcd_offload.prom.tmp`,
      `ExecStartPost=+/usr/bin/mv -f ${dir}/.etcd_offload.prom.tmp ${dir}/etcd_offload.prom`,
    ]);
    // The sandbox gets no write access to the collector's directory (nor needs it).
    expect(unit).not.toContain("ReadWritePaths");
    expect(offloadService({ ...args, textfileDir: undefined })).not.toMatch(/TEXTFILE_DIR|ExecStartPost/);
  });

  it("re-upload the unchanged server token at the configured interval (below the hub's expiry)", () => {
    expect(offloadService(args)).toMatch(/^Environment=TOKEN_REFRESH_SECONDS=604800$/m);
  });

  it("time hourly with a randomized delay and catch up after downtime", () => {
    const timer = offloadTimer(args);
    expect(timer).toMatch(/^OnCalendar=hourly$/m);
    expect(timer).toMatch(/^RandomizedDelaySec=15min$/m);
    expect(timer).toMatch(/^Persistent=true$/m);
    expect(run("systemd-analyze", ["calendar", "hourly"]).status).toBe(0);
  });

  it("allow DNS (no IP filter) when the hub is a host name", () => {
    const unit = offloadService({ ...args, hub: { ...args.hub, endpoint: "https://minio.garage.lan:9000" } });
    expect(unit).not.toContain("IPAddressDeny");
  });

  it("the checks can fail: an unknown key is caught on stderr, a weak sandbox scores above 2.5", () => {
    const typo = check(offloadService(args).replace("ProtectHome=yes", "ProtectHomes=yes"));
    const weak = check(offloadService(args).split("\n").filter((l) => !/^(Protect|Private|Restrict|SystemCall|Capability|Ambient|DynamicUser|NoNewPriv|Memory|Lock|IPAddress)/.test(l)).join("\n"));
    try {
      expect(typo.verifyStderr).toContain("Unknown key 'ProtectHomes' in section [Service], ignoring.");
      expect(typo.verifyStatus).toBe(0); // why stderr, not the exit status, is the criterion
      expect(weak.exposure).toBeGreaterThan(2.5);
    } finally {
      typo.cleanup();
      weak.cleanup();
    }
  });
});
