/**
 * `npm run synth` as operators run it: a real subprocess per stack. A broken stack is synthesized in
 * a scratch copy of the project so the repository is never touched.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { run } from "../../support/proc";
import { ROOT } from "../../support/program";

const TSX = path.join(ROOT, "node_modules/.bin/tsx");

function synthIn(root: string, stack?: string) {
  return run(TSX, [path.join(root, "tools/synth.ts"), ...(stack ? [stack] : [])], { cwd: root, timeoutMs: 60_000 });
}

/** A scratch copy of the project's sources (node_modules linked) with extra stack files. */
function scratchProject(stackFiles: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hb-synth-"));
  const stacks = fs.readdirSync(ROOT).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f));
  for (const entry of ["index.ts", "config", "components", "tools", "Pulumi.yaml", "package.json", "tsconfig.json", ...stacks]) {
    fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  for (const [name, content] of Object.entries(stackFiles)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

const listFiles = (dir: string): string[] =>
  fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();

describe("npm run synth", () => {
  let dir: string;
  beforeAll(() => {
    dir = scratchProject({
      "Pulumi.broken.yaml": [
        "config:",
        "  homelab-backups:timeZone: Mars/Olympus",
        "  homelab-backups:hub:",
        "    bucketPrefix: homelab-backup",
        "    buckets:",
        "      rgwMirror: homelab-backup-etcd",
        "  homelab-backups:images:",
        "    toolbox: ghcr.io/example/toolbox:1.0",
        "  homelab-backups:schedules:",
        "    postgresBackup: \"0 30 2 * * *\"",
        "    postgresRestoreDrill: \"0 3 * * 0\"",
        "    rgwMirror: \"0 4 * * *\"",
        "    velero: \"0 3 * * *\"",
        "    volsync: \"0 * * * *\"",
        "",
      ].join("\n"),
      // A tab where YAML wants spaces, on line 3.
      "Pulumi.badyaml.yaml": "config:\n  homelab-backups:hub:\n\tendpoint: http://10.0.0.1:9000\n",
      "Pulumi.leaky.yaml": [
        "config:",
        "  homelab-backups:hub:",
        "    endpoint: http://127.0.0.1:9000",
        "    bucketPrefix: leaky",
        "  homelab-backups:paths:",
        "    postgres: false",
        "    rgwMirror: false",
        "    etcdOffload: false",
        "  homelab-backups:hubAdminPassword:",
        "    secure: v1:AAAAAAAAAAAAAAAA:ciphertext-stand-in",
        "",
      ].join("\n"),
    });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("synthesizes homelab by default: summary by type, out/homelab/ per contract 1, exit 0", () => {
    const res = synthIn(dir);
    expect(res.stderr.trim().split("\n")).toEqual([
      'warning: [runtime] images.toolbox still has the placeholder digest sha256:000…; build images/backup-toolbox and pin the digest it printed (README "The toolbox image")',
      "warning: [runtime] etcdOffload node k3s-cp-1 still has the placeholder host key; pin the output of `ssh-keyscan -t ed25519 <host>` (the push will refuse the real host until then)",
    ]);
    expect(res.status).toBe(0);
    expect(res.stdout).toContain("synth homelab: 84 resources -> out/homelab/");
    expect(res.stdout).toMatch(/^\s+4 {2}minio:index\/s3Bucket:S3Bucket$/m);
    expect(res.stdout).toMatch(/^\s+3 {2}kubernetes:batch\/v1:CronJob$/m);
    expect(res.stdout).toMatch(/^\s+2 {2}command:remote:Command$/m);
    expect(res.stdout).toContain("artifacts: resources.json, k8s/ 23, helm/ 1, prometheus/ 6, scripts/ 10, systemd/ 2, grafana/dashboards/ 3, grafana/rules/ 6, minio/policies/ 5");
    const files = listFiles(path.join(dir, "out/homelab"));
    expect(files.filter((f) => f.startsWith("k8s/") && !f.includes("ConfigMap"))).toEqual([
      "k8s/_cluster.Namespace.velero.yaml",
      "k8s/apps.CronJob.postgres-backup.yaml",
      "k8s/apps.CronJob.postgres-restore-drill.yaml",
      "k8s/apps.CronJob.rgw-mirror.yaml",
      "k8s/apps.Secret.postgres-backup-hub.yaml",
      "k8s/apps.Secret.rgw-mirror-hub.yaml",
      "k8s/monitoring.Deployment.hub-exporter.yaml",
      "k8s/monitoring.Endpoints.minio-hub.yaml",
      ...["etcd-offload", "hub", "minio", "postgres", "rgw-mirror", "velero"].map((g) => `k8s/monitoring.PrometheusRule.homelab-backups-${g}.yaml`),
      "k8s/monitoring.Secret.hub-exporter-hub.yaml",
      "k8s/monitoring.Service.hub-exporter.yaml",
      "k8s/monitoring.Service.minio-hub.yaml",
      "k8s/monitoring.ServiceMonitor.hub-exporter.yaml",
      "k8s/monitoring.ServiceMonitor.minio-hub.yaml",
      "k8s/velero.Secret.velero-hub-credentials.yaml",
    ]);
    expect(files.filter((f) => f.startsWith("helm/"))).toEqual(["helm/velero.values.yaml"]);
    expect(files.filter((f) => f.startsWith("k8s/apps.ConfigMap.postgres-backup-scripts-"))).toHaveLength(1);
    expect(files.filter((f) => f.startsWith("systemd/"))).toEqual(["systemd/etcd-offload.service", "systemd/etcd-offload.timer"]);
    const sources: Record<string, string> = {
      "backup-lib.sh": "components/lib", "pg-backup.sh": "components/postgres-backup", "pg-lib.sh": "components/postgres-backup",
      "pg-restore-drill.sh": "components/postgres-backup", "rgw-mirror.sh": "components/rgw-mirror", "etcd-offload.sh": "components/etcd-offload",
      "install.sh": "components/etcd-offload", "uninstall.sh": "components/etcd-offload",
      "hub-exporter.sh": "components/hub-status", "hub-facts.sh": "components/hub-status",
    };
    expect(files.filter((f) => f.startsWith("scripts/")).sort()).toEqual(Object.keys(sources).map((s) => `scripts/${s}`).sort());
    for (const [script, dirName] of Object.entries(sources)) {
      expect(fs.readFileSync(path.join(dir, "out/homelab/scripts", script), "utf8")).toBe(fs.readFileSync(path.join(ROOT, dirName, script), "utf8"));
    }
    expect(files.filter((f) => !f.startsWith("k8s/") && !f.startsWith("scripts/") && !f.startsWith("systemd/"))).toEqual([
      ...["minio", "overview", "velero"].map((d) => `grafana/dashboards/homelab-backups-${d}.json`),
      ...["etcd-offload", "hub", "minio", "postgres", "rgw-mirror", "velero"].map((g) => `grafana/rules/homelab-backups-${g}.json`),
      "helm/velero.values.yaml",
      "minio/policies/homelab-backup-etcd-offload-write.json",
      "minio/policies/homelab-backup-hub-reader-read.json",
      "minio/policies/homelab-backup-postgres-backup-write.json",
      "minio/policies/homelab-backup-rgw-mirror-write.json",
      "minio/policies/homelab-backup-velero-write.json",
      ...["etcd-offload", "hub", "minio", "postgres", "rgw-mirror", "velero"].map((g) => `prometheus/homelab-backups-${g}.rules.yaml`),
      "resources.json",
    ]);
    const resources = JSON.parse(fs.readFileSync(path.join(dir, "out/homelab/resources.json"), "utf8"));
    expect(resources).toHaveLength(84);
    for (const r of resources) expect(Object.keys(r).sort()).toEqual(["inputs", "name", "parent", "type"]);
    expect(resources.find((r: { name: string }) => r.name === "minio").inputs.minioPassword).toBe("[secret]");
  });

  it("synthesizes the second stack and wipes the stack's previous output first", () => {
    fs.mkdirSync(path.join(dir, "out/garage"), { recursive: true });
    fs.writeFileSync(path.join(dir, "out/garage/stale.txt"), "left from an older run");
    const res = synthIn(dir, "garage");
    expect(res.status).toBe(0);
    expect(res.stdout).toContain("synth garage:");
    const files = listFiles(path.join(dir, "out/garage"));
    expect(files).not.toContain("stale.txt");
    expect(files).toContain("minio/policies/garage-backup-volsync-write.json");
  });

  it("writes no secret value anywhere, whether from a secure: entry or a placeholder", () => {
    const res = synthIn(dir, "leaky");
    expect(res.status).toBe(0);
    const all = listFiles(path.join(dir, "out/leaky")).map((f) => fs.readFileSync(path.join(dir, "out/leaky", f), "utf8")).join("\n");
    expect(all).not.toContain("placeholder-");
    expect(all).not.toContain("ciphertext-stand-in");
    expect(all).not.toContain("mock-generated-secret");
    expect(all).toContain('"[secret]"');
  });

  it("rejects a broken stack with one config error line per mistake, exit 1, and writes nothing", () => {
    const res = synthIn(dir, "broken");
    expect(res.status).toBe(1);
    expect(res.stdout).toBe("");
    expect(res.stderr.trim().split("\n")).toEqual([
      'config error: timeZone: "Mars/Olympus" is not an IANA time zone (e.g. America/Sao_Paulo, UTC)',
      'config error: schedules.postgresBackup: "0 30 2 * * *" has 6 fields; a Kubernetes schedule has 5 (minute hour day-of-month month day-of-week)',
      'config error: images.toolbox: "ghcr.io/example/toolbox:1.0" must be pinned by digest (name[:tag]@sha256:<64 hex>)',
      "config error: hub.endpoint: is required",
      'config error: hub.bucketPrefix: bucket "homelab-backup-etcd" is used by both rgwMirror and etcdOffload; bucket names must be unique',
      "config error: postgres: is required when paths.postgres is on",
      "config error: images.scratchPostgres: is required when paths.postgres is on",
      "config error: rgwMirror: is required when paths.rgwMirror is on",
      "config error: etcdOffload: is required when paths.etcdOffload is on",
    ]);
    expect(fs.existsSync(path.join(dir, "out/broken"))).toBe(false);
  });

  it("reports a YAML syntax error as one config error line naming the file and line, exit 1, nothing written", () => {
    const res = synthIn(dir, "badyaml");
    expect(res.status).toBe(1);
    expect(res.stderr.trim()).toBe("config error: Pulumi.badyaml.yaml: line 3: Tabs are not allowed as indentation");
    expect(fs.existsSync(path.join(dir, "out/badyaml"))).toBe(false);
  });

  it("names a missing stack file instead of failing obscurely", () => {
    const res = synthIn(dir, "nosuchstack");
    expect(res.status).toBe(1);
    expect(res.stderr.trim()).toBe(`synth failed: no stack file Pulumi.nosuchstack.yaml in ${dir}`);
  });
});
