/**
 * Scenario 21 under mocks (homelab stack): the SSH push pins the host key, keeps the private key
 * and the hub keys secret (keys only on the install command's stdin), re-runs only when content or
 * keys change (hashes in triggers), and removes everything on destroy.
 */
import { createHash } from "crypto";
import { INSTALL_COMMAND, STAGING, STAGING_CREATE, STAGING_DELETE, UNINSTALL_COMMAND, pushFiles } from "../../../components/etcd-offload";
import { bundleHash } from "../../../components/lib/scripts";
import { placeholderHostKeys } from "../../../config/schema";
import { RunResult, isSecretValue, revealSecrets } from "../../../tools/pulumi-mocks";
import { runStack } from "../../support/program";
import { resolveAssets } from "../../../tools/pulumi-mocks";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let run: RunResult;
beforeAll(async () => {
  run = await runStack("homelab");
});
const settings = {
  snapshotDir: "/var/lib/rancher/k3s/server/db/snapshots", tokenFile: "/var/lib/rancher/k3s/server/token", uploadToken: true,
  minAgeSeconds: 120, tokenRefreshSeconds: 604800, textfileDir: "/var/lib/node_exporter/textfile_collector", onCalendar: "hourly", randomizedDelay: "15min",
};
const hub = { endpoint: "http://10.10.10.209:9000", bucket: "homelab-backup-etcd", region: "us-east-1" };

describe("etcd offload push", () => {
  const install = () => run.recorder.one("command:remote:Command", "etcd-k3s-cp-1-install").inputs as Obj;

  it("connects with the pinned host key and a secret private key", () => {
    const c = install().connection;
    expect(isSecretValue(c)).toBe(true);
    expect(revealSecrets(c)).toMatchObject({ host: "10.10.10.201", port: 22, user: "pulumi", privateKey: "placeholder-sshPrivateKey" });
    expect((revealSecrets(c) as Obj).hostKey).toMatch(/^ssh-ed25519 AAAA/);
  });

  it("installs with sudo from the staging copies, the hub keys only on the secret stdin", () => {
    expect(install().create).toBe(INSTALL_COMMAND);
    expect(isSecretValue(install().stdin)).toBe(true);
    expect(revealSecrets(install().stdin)).toBe("homelab-backup-etcd-offload\nmock-generated-secret-for-hub-etcd-writer\n");
    expect(install().create).not.toContain("mock-generated-secret");
    const copies = run.recorder.byType("command:remote:CopyToRemote").map((r) => (r.inputs as Obj).remotePath).sort();
    expect(copies).toEqual(["backup-lib.sh", "etcd-offload.service", "etcd-offload.sh", "etcd-offload.timer", "install.sh", "uninstall.sh"].map((f) => `${STAGING}/${f}`));
    expect(run.recorder.one("command:remote:Command", "etcd-k3s-cp-1-staging").inputs).toMatchObject({ create: STAGING_CREATE, delete: STAGING_DELETE });
  });

  it("re-runs only when the pushed content or the keys change: triggers are their hashes", () => {
    const files = pushFiles("homelab-backup-etcd", { hub, settings });
    const creds = "homelab-backup-etcd-offload\nmock-generated-secret-for-hub-etcd-writer\n";
    expect(revealSecrets(install().triggers)).toEqual([bundleHash(files), createHash("sha256").update(creds).digest("hex")]);
    expect(bundleHash(pushFiles("homelab-backup-etcd", { hub, settings }))).toBe(bundleHash(files));
    expect(bundleHash(pushFiles("homelab-backup-etcd", { hub, settings: { ...settings, minAgeSeconds: 300 } }))).not.toBe(bundleHash(files));
  });

  it("disables and removes everything on destroy", () => {
    expect(install().delete).toBe(UNINSTALL_COMMAND);
    expect(UNINSTALL_COMMAND).toBe("sudo bash /usr/local/lib/etcd-offload/uninstall.sh");
  });

  it("pushes the same units to every node (the script names the node by hostname)", () => {
    const units = pushFiles("b", { hub, settings });
    expect(units["etcd-offload.service"]).not.toContain("NODE_NAME");
  });

  it("#10: refreshes the server token at half the 14-day retention, so the hub's expiry never removes it", async () => {
    const service = run.recorder.byType("command:remote:CopyToRemote").map((r) => r.inputs as Obj)
      .find((c) => String(c.remotePath).endsWith("etcd-offload.service"));
    expect(JSON.stringify(await resolveAssets(service?.source))).toContain("Environment=TOKEN_REFRESH_SECONDS=604800");
  });

  it("flags placeholder host keys", () => {
    expect(placeholderHostKeys({ etcdOffload: { ...settings, nodes: [
      { name: "a", host: "h", port: 22, user: "u", hostKey: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${"A".repeat(43)}` },
      { name: "b", host: "h", port: 22, user: "u", hostKey: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${"C".repeat(43)}` },
    ] } })).toEqual(["a"]);
  });
});

describe("rgw-mirror CronJob", () => {
  const cj = () => run.recorder.byType("kubernetes:batch/v1:CronJob").map((r) => r.inputs as Obj).find((c) => c.metadata.name === "rgw-mirror") as Obj;

  it("runs at 04:00 in America/Sao_Paulo in apps, in the toolbox image", () => {
    expect(cj().metadata.namespace).toBe("apps");
    expect(cj().spec).toMatchObject({ schedule: "0 4 * * *", timeZone: "America/Sao_Paulo", concurrencyPolicy: "Forbid" });
    expect(cj().spec.jobTemplate.spec.template.spec.containers[0].image).toMatch(/backup-toolbox:pg18@sha256:/);
  });

  it("reads the source keys from s3-credentials and the hub keys from its own Secret", () => {
    const env = Object.fromEntries(cj().spec.jobTemplate.spec.template.spec.containers[0].env.map((e: Obj) => [e.name, e]));
    expect(env.SOURCE_S3_ACCESS_KEY_ID.valueFrom).toEqual({ secretKeyRef: { name: "s3-credentials", key: "AWS_ACCESS_KEY_ID" } });
    expect(env.SOURCE_S3_SECRET_ACCESS_KEY.valueFrom).toEqual({ secretKeyRef: { name: "s3-credentials", key: "AWS_SECRET_ACCESS_KEY" } });
    expect(env.BACKUP_S3_SECRET_ACCESS_KEY.valueFrom).toEqual({ secretKeyRef: { name: "rgw-mirror-hub", key: "BACKUP_S3_SECRET_ACCESS_KEY" } });
    expect(env.BACKUP_S3_BUCKET.value).toBe("homelab-backup-rgw");
    expect(env.MIRROR_MODE.value).toBe("copy");
    expect(env.RGW_BUCKETS.value).toBe("");
    expect(env.MAX_DELETE.value).toBe("100");
  });
});
