/**
 * Process helpers for payload tests: free loopback ports, services started in their own process
 * group and stopped by PID (never by name), and bounded waits.
 */
import { ChildProcess, spawn, spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

/** A free TCP port on 127.0.0.1 (the OS picks it; we release it just before the service binds). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const created: string[] = [];

/** A fresh directory under the OS temp dir, removed after the test file (test/support/cleanup.ts). */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hb-${prefix}-`));
  created.push(dir);
  return dir;
}

/** Removes every directory tempDir created in this module instance. */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port, or rejects after timeoutMs. */
export async function waitForPort(port: number, timeoutMs = 15_000, isAlive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`process exited before listening on 127.0.0.1:${port}`);
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect({ host: "127.0.0.1", port }, () => {
        sock.destroy();
        resolve(true);
      });
      sock.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

export interface Service {
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

/**
 * Starts a long-running process in its own process group, output to a log file. `stop()` signals
 * that group (SIGTERM, then SIGKILL after 5 s) and waits for the process to exit.
 */
export function startService(
  command: string,
  args: string[],
  opts: { logFile: string; env?: NodeJS.ProcessEnv; cwd?: string; /** removed after the process exits */ removeOnStop?: string },
): Service & { child: ChildProcess } {
  const out = fs.openSync(opts.logFile, "a");
  const child = spawn(command, args, { detached: true, stdio: ["ignore", out, out], env: opts.env ?? process.env, cwd: opts.cwd });
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = child.pid;
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.once("exit", () => { exited = true; resolve(); }));
  return {
    pid,
    child,
    logFile: opts.logFile,
    async stop() {
      if (exited) {
        if (opts.removeOnStop) fs.rmSync(opts.removeOnStop, { recursive: true, force: true });
        return;
      }
      try { process.kill(-pid, "SIGTERM"); } catch { /* already gone */ }
      const timer = setTimeout(() => { try { process.kill(-pid, "SIGKILL"); } catch { /* gone */ } }, 5000);
      await exitedPromise;
      clearTimeout(timer);
      if (opts.removeOnStop) fs.rmSync(opts.removeOnStop, { recursive: true, force: true });
    },
  };
}

/** Runs a command to completion; never throws on a non-zero exit (tests assert the status). */
export function run(command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string | Buffer; cwd?: string; timeoutMs?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    env: opts.env ?? process.env,
    input: opts.input,
    cwd: opts.cwd,
    encoding: "utf8",
    timeout: opts.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Like {@link run} but throws with the command's stderr when it fails (for fixture setup). */
export function runOk(command: string, args: string[], opts: Parameters<typeof run>[2] = {}): string {
  const res = run(command, args, opts);
  if (res.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited ${res.status ?? res.signal}: ${res.stderr || res.stdout}`);
  }
  return res.stdout;
}
