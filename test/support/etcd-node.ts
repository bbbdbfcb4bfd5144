/**
 * A control-plane node as etcd-offload.sh sees it (snapshot, state, textfile directories and a k3s
 * server token), and real etcd 3.4 snapshots to put in it.
 */
import * as fs from "fs";
import * as path from "path";
import { startEtcd } from "./etcd";
import { tempDir } from "./proc";

export interface ControlPlaneNode { snapshots: string; state: string; textfile: string; token: string; root: string }

/** The token every node gets (its content must never be logged). */
export const NODE_TOKEN = "K10cluster-token::server:Tok3n-Never-Logged-4471\n";

/** A node's directories, with snapshots named like k3s's and modified `ageSeconds` ago. */
export function controlPlaneNode(files: Record<string, Buffer | string>, ageSeconds = 3600): ControlPlaneNode {
  const root = tempDir("node");
  const n = { root, snapshots: path.join(root, "snapshots"), state: path.join(root, "state"), textfile: path.join(root, "textfile"), token: path.join(root, "token") };
  for (const d of [n.snapshots, n.textfile]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(n.token, NODE_TOKEN);
  const old = Date.now() / 1000 - ageSeconds;
  for (const [name, body] of Object.entries(files)) {
    const p = path.join(n.snapshots, name);
    fs.writeFileSync(p, body);
    fs.utimesSync(p, old, old);
  }
  return n;
}

/** k3s-style snapshot file name number `i` of node cp-1. */
export const snapshotName = (i: number): string => `etcd-snapshot-cp-1-17637${i}0000`;

/** `count` real snapshots of a scratch etcd (each a little bigger than the last). */
export async function realSnapshots(count: number): Promise<Buffer[]> {
  const etcd = await startEtcd();
  const dir = tempDir("snaps");
  const out: Buffer[] = [];
  try {
    for (let i = 0; i < count; i++) {
      etcd.put(`/registry/configmaps/default/cm-${i}`, `value-${i}-`.repeat(5000));
      etcd.snapshot(path.join(dir, `s${i}`));
      out.push(fs.readFileSync(path.join(dir, `s${i}`)));
    }
  } finally {
    await etcd.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
