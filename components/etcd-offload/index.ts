/**
 * The etcd offload: for each control-plane node, over SSH with a pinned host key, a staging
 * directory, the script, its library, the units and the installer copied into it, then one command
 * that installs them with sudo (hub keys on its secret stdin, written root-only for
 * LoadCredential=) and enables the timer. It re-runs only when the pushed content or the keys
 * change (hashes in triggers); on destroy it disables and removes everything it installed.
 */
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { BACKUP_LIB, bundleHash } from "../lib/scripts";
import { ETCD_OFFLOAD_SCRIPT } from "./scripts";
import { INSTALL, SERVICE, TIMER, UnitArgs, offloadService, offloadTimer } from "./units";
import { HUB_CA_FILE } from "../lib/kubernetes";

/** Staging directory in the SSH user's home. */
export const STAGING = ".etcd-offload-staging";
export const INSTALL_COMMAND = `sudo bash ${STAGING}/install.sh`;
export const UNINSTALL_COMMAND = `sudo bash ${INSTALL.dir}/uninstall.sh`;
/** Staging is created once and removed on destroy, after the install's uninstall (reverse dependency order). */
export const STAGING_CREATE = `mkdir -p -m 0700 ${STAGING}`;
export const STAGING_DELETE = `rm -rf ${STAGING}`;

export interface EtcdNode {
  name: string;
  host: string;
  port: number;
  user: string;
  /** Pinned SSH host key ("ssh-ed25519 AAAA…"). */
  hostKey: string;
}

export interface EtcdOffloadArgs {
  /** Control-plane nodes. */
  nodes: EtcdNode[];
  /** SSH private key of the nodes' user (a Pulumi secret). */
  sshPrivateKey: pulumi.Input<string>;
  /** Hub endpoint, the etcd bucket and region. */
  hub: { endpoint: string; bucket: pulumi.Input<string>; region: string; caBundle?: string };
  /** The etcd-offload writer's credentials (secrets). */
  writer: { accessKeyId: pulumi.Input<string>; secretAccessKey: pulumi.Input<string> };
  /** Unit settings shared by all nodes (see config etcdOffload.*). */
  settings: Omit<UnitArgs, "hub">;
}

const read = (p: string) => fs.readFileSync(p, "utf8");

/** Every file pushed to a node, by name — the same for all nodes (pure apart from reading the scripts). */
export function pushFiles(bucket: string, args: Pick<EtcdOffloadArgs, "hub" | "settings">): Record<string, string> {
  const unit: UnitArgs = { ...args.settings, hub: { ...args.hub, bucket } };
  return {
    "etcd-offload.sh": read(ETCD_OFFLOAD_SCRIPT),
    "backup-lib.sh": read(BACKUP_LIB),
    "install.sh": read(path.join(__dirname, "install.sh")),
    "uninstall.sh": read(path.join(__dirname, "uninstall.sh")),
    [SERVICE]: offloadService(unit),
    [TIMER]: offloadTimer(unit),
    // install.sh installs it to INSTALL.hubCa when pushed.
    ...(args.hub.caBundle ? { [HUB_CA_FILE]: args.hub.caBundle } : {}),
  };
}

export class EtcdOffload extends pulumi.ComponentResource {
  /** The install command per node. */
  public readonly installs: Record<string, command.remote.Command> = {};

  constructor(name: string, args: EtcdOffloadArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab-backups:index:EtcdOffload", name, {}, opts);
    const credentials = pulumi.secret(pulumi.interpolate`${args.writer.accessKeyId}\n${args.writer.secretAccessKey}\n`);
    const files = pulumi.output(args.hub.bucket).apply((bucket) => pushFiles(bucket, args));
    const fileNames = Object.keys(pushFiles("", args));
    const credentialsHash = pulumi.secret(credentials.apply((c) => createHash("sha256").update(c).digest("hex")));
    for (const node of args.nodes) {
      const role = `${name}-${node.name}`;
      const connection: command.types.input.remote.ConnectionArgs = {
        host: node.host,
        port: node.port,
        user: node.user,
        privateKey: pulumi.secret(args.sshPrivateKey),
        hostKey: node.hostKey,
      };
      const staging = new command.remote.Command(
        `${role}-staging`,
        { connection, create: STAGING_CREATE, delete: STAGING_DELETE },
        { parent: this },
      );
      const copies = fileNames.map((file) => {
        const content = files.apply((f) => f[file]);
        return new command.remote.CopyToRemote(
          `${role}-copy-${file}`,
          {
            connection,
            source: content.apply((text) => new pulumi.asset.StringAsset(text)),
            remotePath: `${STAGING}/${file}`,
            triggers: [content.apply((text) => bundleHash({ [file]: text }))],
          },
          { parent: this, dependsOn: [staging] },
        );
      });
      this.installs[node.name] = new command.remote.Command(
        `${role}-install`,
        {
          connection,
          create: INSTALL_COMMAND,
          delete: UNINSTALL_COMMAND,
          stdin: credentials,
          triggers: [files.apply(bundleHash), credentialsHash],
        },
        // A changed trigger replaces the install: uninstall the old one first, or its delete would
        // remove what the new one just installed.
        { parent: this, dependsOn: copies, deleteBeforeReplace: true },
      );
    }
    this.registerOutputs({ nodes: args.nodes.map((n) => n.name) });
  }
}
