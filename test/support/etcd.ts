/**
 * A single etcd 3.4 member on free loopback ports, for real snapshots (`etcdctl snapshot save`).
 */
import * as path from "path";
import { freePort, runOk, Service, startService, tempDir, waitForPort } from "./proc";

export interface EtcdServer extends Service {
  endpoint: string;
  dataDir: string;
  /** Puts a value (piped on stdin: large values cannot go on the command line). */
  put(key: string, value: string | Buffer): void;
  /** Saves a snapshot to `file`. */
  snapshot(file: string): void;
}

export async function startEtcd(): Promise<EtcdServer> {
  const root = tempDir("etcd");
  const dataDir = path.join(root, "data");
  const [client, peer] = [await freePort(), await freePort()];
  const svc = startService(
    "etcd",
    [
      "--name", "test", "--data-dir", dataDir,
      "--listen-client-urls", `http://127.0.0.1:${client}`, "--advertise-client-urls", `http://127.0.0.1:${client}`,
      "--listen-peer-urls", `http://127.0.0.1:${peer}`, "--initial-advertise-peer-urls", `http://127.0.0.1:${peer}`,
      "--initial-cluster", `test=http://127.0.0.1:${peer}`, "--log-level", "warn",
    ],
    { logFile: path.join(root, "etcd.log"), removeOnStop: root },
  );
  await waitForPort(client, 15_000, () => svc.child.exitCode === null);
  const endpoint = `http://127.0.0.1:${client}`;
  const env = { ...process.env, ETCDCTL_API: "3" };
  return {
    ...svc,
    endpoint,
    dataDir,
    put(key, value) {
      runOk("etcdctl", ["--endpoints", endpoint, "put", key], { env, input: value });
    },
    snapshot(file) {
      runOk("etcdctl", ["--endpoints", endpoint, "snapshot", "save", file], { env });
    },
  };
}
