/**
 * install.sh and uninstall.sh run for real into a DESTDIR with a fake systemctl: what the push does
 * on a node, short of systemd itself.
 */
import * as fs from "fs";
import * as path from "path";
import { pushFiles } from "../../../components/etcd-offload";
import { run, tempDir } from "../../support/proc";

const settings = { snapshotDir: "/s", tokenFile: "/t", uploadToken: true, minAgeSeconds: 120, tokenRefreshSeconds: 604800, onCalendar: "hourly", randomizedDelay: "15min" };

function stage(extra: { textfileDir?: string } = {}, caBundle?: string): { staging: string; dest: string; bin: string; calls: string } {
  const root = tempDir("push");
  const staging = path.join(root, ".etcd-offload-staging");
  fs.mkdirSync(staging);
  for (const [name, content] of Object.entries(pushFiles("homelab-backup-etcd", { hub: { endpoint: "http://10.10.10.209:9000", bucket: "b", region: "us-east-1", caBundle }, settings: { ...settings, ...extra } }))) {
    fs.writeFileSync(path.join(staging, name), content);
  }
  const bin = path.join(root, "bin");
  const calls = path.join(root, "systemctl.calls");
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, "systemctl"), `#!/usr/bin/env bash\necho "$*" >> "${calls}"\n`, { mode: 0o755 });
  return { staging, dest: path.join(root, "dest"), bin, calls };
}

describe("install.sh / uninstall.sh on a node", () => {
  it("installs script, units and root-only credentials from stdin, then enables the timer; uninstall removes it all", () => {
    const s = stage();
    const env = { PATH: `${s.bin}:${process.env.PATH}`, DESTDIR: s.dest };
    const res = run("bash", [path.join(s.staging, "install.sh")], { env, input: "AKID-1\nSekret-On-Stdin-77\n" });
    expect(res.stderr).toBe("");
    expect(res.stdout).toContain("etcd-offload: installed; etcd-offload.timer enabled");
    expect(res.status).toBe(0);
    const cred = path.join(s.dest, "etc/etcd-offload/credentials/backup-s3-secret-access-key");
    expect(fs.readFileSync(cred, "utf8")).toBe("Sekret-On-Stdin-77");
    expect(fs.statSync(cred).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(s.dest, "etc/etcd-offload/credentials")).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(s.dest, "usr/local/lib/etcd-offload/etcd-offload.sh")).mode & 0o777).toBe(0o755);
    expect(fs.existsSync(path.join(s.dest, "etc/systemd/system/etcd-offload.timer"))).toBe(true);
    expect(fs.readFileSync(s.calls, "utf8")).toBe("daemon-reload\nenable --now etcd-offload.timer\n");

    const un = run("bash", [path.join(s.dest, "usr/local/lib/etcd-offload/uninstall.sh")], { env });
    expect(un.status).toBe(0);
    expect(fs.existsSync(path.join(s.dest, "etc/etcd-offload"))).toBe(false);
    expect(fs.existsSync(path.join(s.dest, "usr/local/lib/etcd-offload"))).toBe(false);
    expect(fs.existsSync(path.join(s.dest, "etc/systemd/system/etcd-offload.service"))).toBe(false);
    expect(fs.readFileSync(s.calls, "utf8")).toContain("disable --now etcd-offload.timer\nstop etcd-offload.service\ndaemon-reload\n");
  });

  it("creates node-exporter's textfile directory (0755) when the unit publishes there, and nothing otherwise", () => {
    const textfileDir = "/var/lib/node_exporter/textfile_collector";
    const withDir = stage({ textfileDir });
    const env = (s: { bin: string; dest: string }) => ({ PATH: `${s.bin}:${process.env.PATH}`, DESTDIR: s.dest });
    expect(run("bash", [path.join(withDir.staging, "install.sh")], { env: env(withDir), input: "a\nb\n" }).status).toBe(0);
    expect(fs.statSync(path.join(withDir.dest, textfileDir)).mode & 0o777).toBe(0o755);
    const without = stage();
    expect(run("bash", [path.join(without.staging, "install.sh")], { env: env(without), input: "a\nb\n" }).status).toBe(0);
    expect(fs.existsSync(path.join(without.dest, "var/lib/node_exporter"))).toBe(false);
  });

  it("installs a pushed hub CA world-readable beside the credentials (and none when not pushed)", () => {
    const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    const s = stage({}, pem);
    expect(run("bash", [path.join(s.staging, "install.sh")], { env: { PATH: `${s.bin}:${process.env.PATH}`, DESTDIR: s.dest }, input: "a\nb\n" }).status).toBe(0);
    const ca = path.join(s.dest, "etc/etcd-offload/hub-ca.crt");
    expect(fs.readFileSync(ca, "utf8")).toBe(pem);
    expect(fs.statSync(ca).mode & 0o777).toBe(0o644);
    const plain = stage();
    expect(run("bash", [path.join(plain.staging, "install.sh")], { env: { PATH: `${plain.bin}:${process.env.PATH}`, DESTDIR: plain.dest }, input: "a\nb\n" }).status).toBe(0);
    expect(fs.existsSync(path.join(plain.dest, "etc/etcd-offload/hub-ca.crt"))).toBe(false);
  });

  it("fails with a clear message when the node lacks rclone", () => {
    const s = stage();
    const noRclone = path.join(path.dirname(s.bin), "norclone");
    fs.mkdirSync(noRclone);
    for (const t of ["bash", "sha256sum", "od", "dirname", "readlink"]) fs.symlinkSync(`/usr/bin/${t}`, path.join(noRclone, t));
    fs.symlinkSync(path.join(s.bin, "systemctl"), path.join(noRclone, "systemctl"));
    const res = run("/usr/bin/bash", [path.join(s.staging, "install.sh")], { env: { PATH: noRclone, DESTDIR: s.dest }, input: "a\nb\n" });
    expect(res.status).not.toBe(0);
    expect(res.stderr.trim()).toBe("etcd-offload: this node lacks rclone; install it first (e.g. apt-get install -y rclone)");
    expect(fs.existsSync(path.join(s.dest, "etc/etcd-offload"))).toBe(false);
  });

  it("refuses to install without both keys on stdin", () => {
    const s = stage();
    const res = run("bash", [path.join(s.staging, "install.sh")], { env: { PATH: `${s.bin}:${process.env.PATH}`, DESTDIR: s.dest }, input: "only-one-line\n" });
    expect(res.status).not.toBe(0);
    expect(res.stderr.trim()).toBe("etcd-offload: expected the access key id and secret on stdin");
  });
});
