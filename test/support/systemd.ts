/**
 * Offline systemd checks: `systemd-analyze verify` (any stderr is a failure: an unknown key only
 * warns) and `security --offline=true`, against a scratch root holding a copy of the distribution's
 * units, the script at its ExecStart path, and the units under test.
 */
import * as fs from "fs";
import * as path from "path";
import { run, tempDir } from "./proc";

export interface UnitCheck {
  verifyStatus: number | null;
  verifyStderr: string;
  exposure: number;
  securityOutput: string;
  cleanup(): void;
}

export function checkUnits(units: Record<string, string>, files: Record<string, string>, service: string): UnitCheck {
  const root = tempDir("sysroot");
  fs.mkdirSync(path.join(root, "usr/lib/systemd"), { recursive: true });
  fs.cpSync("/usr/lib/systemd/system", path.join(root, "usr/lib/systemd/system"), { recursive: true });
  for (const [p, content] of Object.entries(files)) {
    fs.mkdirSync(path.join(root, path.dirname(p)), { recursive: true });
    fs.writeFileSync(path.join(root, p), content, { mode: 0o755 });
  }
  const unitDir = path.join(root, "etc/systemd/system");
  fs.mkdirSync(unitDir, { recursive: true });
  for (const [name, content] of Object.entries(units)) fs.writeFileSync(path.join(unitDir, name), content);
  const verify = run("systemd-analyze", ["verify", `--root=${root}`, ...Object.keys(units).map((u) => path.join(unitDir, u))], { cwd: root });
  const security = run("systemd-analyze", ["security", "--offline=true", `--root=${root}`, service], { cwd: root });
  const exposure = Number(/Overall exposure level for \S+: ([\d.]+)/.exec(security.stdout)?.[1] ?? NaN);
  return {
    verifyStatus: verify.status,
    verifyStderr: verify.stderr,
    exposure,
    securityOutput: security.stdout,
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}
