/**
 * The systemd units pushed to each control-plane node (pure): a oneshot service running
 * etcd-offload.sh under a dynamic unprivileged user that may only *read* any file
 * (CAP_DAC_READ_SEARCH: k3s snapshots and the token are root-only), with a strict sandbox, and an
 * hourly timer with a randomized delay that catches up after downtime. The hub keys reach the
 * script only through LoadCredential= — never Environment= or the command line.
 * Proven with `systemd-analyze verify` and `security --offline=true` (test/unit/etcd-offload).
 */
import { isIP } from "net";

/** Where the push installs things on a node. */
export const INSTALL = {
  dir: "/usr/local/lib/etcd-offload",
  script: "/usr/local/lib/etcd-offload/etcd-offload.sh",
  credentials: "/etc/etcd-offload/credentials",
  /** The hub's private CA, when hub.caBundle is set (install.sh puts it here, 0644). */
  hubCa: "/etc/etcd-offload/hub-ca.crt",
  unitDir: "/etc/systemd/system",
} as const;

export const SERVICE = "etcd-offload.service";
export const TIMER = "etcd-offload.timer";
export const CREDENTIAL_FILES = { accessKeyId: "backup-s3-access-key-id", secretAccessKey: "backup-s3-secret-access-key" } as const;

/** Node-independent: the script names the node (its key prefix) by `hostname -s`, like k3s does. */
export interface UnitArgs {
  hub: { endpoint: string; bucket: string; region: string; caBundle?: string };
  /** k3s snapshot directory (read-only to the service). */
  snapshotDir: string;
  /** Seconds a snapshot must be untouched before upload. */
  minAgeSeconds: number;
  /** Upload the k3s server token. */
  uploadToken: boolean;
  /** k3s server token file. */
  tokenFile: string;
  /**
   * Seconds after which the token is uploaded again even though unchanged, so the hub's lifecycle
   * (current objects expire after retentionDays) never removes it. Default: half the retention.
   */
  tokenRefreshSeconds: number;
  /**
   * node-exporter textfile collector directory, if any. The sandboxed script writes the metric in
   * its state directory; a privileged ExecStartPost= publishes it there, mode 0644 (node-exporter
   * runs as nobody), atomically. install.sh creates the directory.
   */
  textfileDir?: string;
  /** OnCalendar= of the timer. */
  onCalendar: string;
  /** RandomizedDelaySec= of the timer. */
  randomizedDelay: string;
}

/** The service's state directory (StateDirectory=etcd-offload), as a unit specifier. */
const STATE_DIR = "%S/etcd-offload";
export const TEXTFILE = "etcd_offload.prom";

/**
 * `+`: runs with full privileges, outside the sandbox, only after the script succeeded. A dot-name
 * temporary (node-exporter reads only *.prom) and a rename, so the collector never sees half a file.
 */
function publishTextfile(dir: string): string[] {
  return [
    `ExecStartPost=+/usr/bin/install -m 0644 -T ${STATE_DIR}/${TEXTFILE} ${dir}/.${TEXTFILE}.tmp`,
    `ExecStartPost=+/usr/bin/mv -f ${dir}/.${TEXTFILE}.tmp ${dir}/${TEXTFILE}`,
  ];
}

const lines = (xs: Array<string | false | undefined>): string => `${xs.filter((x): x is string => typeof x === "string").join("\n")}\n`;

/** IPAddressAllow= for an endpoint whose host is an IP literal (a name needs DNS: no IP filter then). */
function ipFilter(endpoint: string): string[] {
  const host = new URL(endpoint).hostname.replace(/^\[|\]$/g, "");
  if (!isIP(host)) return [];
  return ["IPAddressDeny=any", `IPAddressAllow=localhost ${host}`];
}

export function offloadService(a: UnitArgs): string {
  return lines([
    "[Unit]",
    "Description=Upload new, verified k3s etcd snapshots to the backup hub",
    "Wants=network-online.target",
    "After=network-online.target k3s.service",
    `ConditionPathIsDirectory=${a.snapshotDir}`,
    "",
    "[Service]",
    "Type=oneshot",
    `ExecStart=${INSTALL.script}`,
    `Environment=BACKUP_S3_ENDPOINT=${a.hub.endpoint}`,
    `Environment=BACKUP_S3_BUCKET=${a.hub.bucket}`,
    `Environment=BACKUP_S3_REGION=${a.hub.region}`,
    a.hub.caBundle && `Environment=BACKUP_S3_CA_FILE=${INSTALL.hubCa}`,
    `Environment=SNAPSHOT_DIR=${a.snapshotDir}`,
    `Environment=MIN_AGE_SECONDS=${a.minAgeSeconds}`,
    `Environment=UPLOAD_TOKEN=${a.uploadToken}`,
    `Environment=TOKEN_FILE=${a.tokenFile}`,
    `Environment=TOKEN_REFRESH_SECONDS=${a.tokenRefreshSeconds}`,
    a.textfileDir && `Environment=TEXTFILE_DIR=${STATE_DIR}`,
    ...(a.textfileDir ? publishTextfile(a.textfileDir) : []),
    `LoadCredential=${CREDENTIAL_FILES.accessKeyId}:${INSTALL.credentials}/${CREDENTIAL_FILES.accessKeyId}`,
    `LoadCredential=${CREDENTIAL_FILES.secretAccessKey}:${INSTALL.credentials}/${CREDENTIAL_FILES.secretAccessKey}`,
    "StateDirectory=etcd-offload",
    "StateDirectoryMode=0700",
    "TimeoutStartSec=1h",
    "Nice=10",
    "IOSchedulingClass=idle",
    "# A dynamic unprivileged user that may read any file, and nothing else.",
    "DynamicUser=yes",
    "CapabilityBoundingSet=CAP_DAC_READ_SEARCH",
    "AmbientCapabilities=CAP_DAC_READ_SEARCH",
    "NoNewPrivileges=yes",
    "UMask=0077",
    "ProtectSystem=strict",
    `ReadOnlyPaths=${a.snapshotDir}`,
    "ProtectHome=yes",
    "PrivateTmp=yes",
    "PrivateDevices=yes",
    "PrivateIPC=yes",
    "ProtectHostname=yes",
    "ProtectClock=yes",
    "ProtectKernelTunables=yes",
    "ProtectKernelModules=yes",
    "ProtectKernelLogs=yes",
    "ProtectControlGroups=yes",
    "ProtectProc=invisible",
    "ProcSubset=pid",
    "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
    ...ipFilter(a.hub.endpoint),
    "RestrictNamespaces=yes",
    "RestrictRealtime=yes",
    "RestrictSUIDSGID=yes",
    "LockPersonality=yes",
    "MemoryDenyWriteExecute=yes",
    "RemoveIPC=yes",
    "DevicePolicy=closed",
    "KeyringMode=private",
    "SystemCallArchitectures=native",
    "SystemCallFilter=@system-service",
    "SystemCallFilter=~@privileged @resources @mount @debug @cpu-emulation @obsolete @raw-io @reboot @swap",
    "SystemCallErrorNumber=EPERM",
  ]);
}

export function offloadTimer(a: Pick<UnitArgs, "onCalendar" | "randomizedDelay">): string {
  return lines([
    "[Unit]",
    "Description=Hourly offload of k3s etcd snapshots to the backup hub",
    "",
    "[Timer]",
    `OnCalendar=${a.onCalendar}`,
    `RandomizedDelaySec=${a.randomizedDelay}`,
    "AccuracySec=1min",
    "Persistent=true",
    `Unit=${SERVICE}`,
    "",
    "[Install]",
    "WantedBy=timers.target",
  ]);
}
