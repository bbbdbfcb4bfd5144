/**
 * The toolbox image provides every command the payload scripts require (their require_commands
 * lines), runs as the uid the CronJobs use, and is built from a base pinned by digest.
 */
import * as fs from "fs";
import * as path from "path";
import { TOOLBOX_UID } from "../../components/lib/kubernetes";
import { POSTGRES_SCRIPTS } from "../../components/postgres-backup/scripts";
import { RGW_SCRIPTS } from "../../components/rgw-mirror/scripts";
import { VOLSYNC_SCRIPTS } from "../../components/volsync/scripts";
import { HUB_STATUS_FILES } from "../../components/hub-status/scripts";
import { ROOT } from "../support/program";

const dockerfile = fs.readFileSync(path.join(ROOT, "images/backup-toolbox/Dockerfile"), "utf8");
const aptPackages = [...dockerfile.matchAll(/apt-get install -y --no-install-recommends ([^;]+);/g)]
  .flatMap((m) => m[1].split(" "))
  .map((p) => p.replace(/^"?([a-z0-9-]+).*$/, "$1"));

/** Where each command comes from: the postgres base image (Debian + PostgreSQL client) or an apt package. */
const PROVIDED_BY: Record<string, string> = {
  pg_dumpall: "base", psql: "base", pg_isready: "base", bash: "base", sha256sum: "base", mkfifo: "base",
  tee: "base", tail: "base", sed: "base", awk: "base",
  sort: "base", comm: "base", wc: "base",
  date: "base",
  zstd: "zstd", rclone: "rclone", jq: "jq", curl: "curl", kopia: "kopia", socat: "socat",
};

describe("images/backup-toolbox", () => {
  const required = [...new Set([...POSTGRES_SCRIPTS, ...RGW_SCRIPTS, ...VOLSYNC_SCRIPTS, ...HUB_STATUS_FILES].flatMap((s) => {
    const text = fs.readFileSync(s, "utf8");
    return [...text.matchAll(/^require_commands (.+)$/gm)].flatMap((m) => m[1].split(/\s+/));
  }))].sort();

  it("finds the scripts' required commands", () => {
    expect(required).toEqual(expect.arrayContaining(["pg_dumpall", "psql", "zstd", "rclone", "jq", "kopia", "curl", "socat"]));
  });

  it.each(required)("provides %s", (cmd) => {
    const source = PROVIDED_BY[cmd];
    expect(source).toBeDefined();
    if (source !== "base") expect(aptPackages).toContain(source);
  });

  it("installs CA certificates for https hubs", () => {
    expect(aptPackages).toContain("ca-certificates");
  });

  it("runs as the CronJobs' non-root uid and clears the server entrypoint", () => {
    expect(dockerfile).toContain(`USER ${TOOLBOX_UID}:${TOOLBOX_UID}`);
    expect(dockerfile).toContain(`useradd --uid ${TOOLBOX_UID} --gid ${TOOLBOX_UID}`);
    expect(dockerfile).toMatch(/^ENTRYPOINT \[\]$/m);
  });

  it("builds from a base pinned by digest whose major matches versions.toolboxPostgres", () => {
    const base = /^ARG BASE=(\S+)$/m.exec(dockerfile)?.[1] ?? "";
    expect(base).toMatch(/@sha256:[0-9a-f]{64}$/);
    const pulumiYaml = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
    const major = /toolboxPostgres: (\d+)/.exec(pulumiYaml)?.[1];
    expect(base).toContain(`postgres:${major}.`);
  });
});
