/**
 * Stack-config schemas of the off-cluster copies (RGW mirror, etcd offload). Defaults of fields
 * inside these objects live here, once.
 */
import { z } from "zod";
import { dnsLabelSchema, dnsSubdomainSchema, endpointSchema } from "./validators";
import { calendarSchema, timespanSchema } from "./systemd";

const HOST_KEY = /^(?:(\S+) )?((?:ssh-ed25519|ecdsa-sha2-nistp(?:256|384|521)|ssh-rsa) [A-Za-z0-9+/]+={0,2})$/;

/**
 * A pinned host key, as `ssh-keyscan -t ed25519 <host>` prints it (`<host> ssh-ed25519 AAAA…`) or
 * without the host (`ssh-ed25519 AAAA…`). The output is `<type> <base64>`: what @pulumi/command's
 * `connection.hostKey` parses (an authorized-keys line, which has no host field).
 */
export const sshHostKeySchema = z
  .string()
  .transform((v) => v.trim())
  .refine((v) => HOST_KEY.test(v), "must be a pinned host key as `ssh-keyscan -t ed25519 <host>` prints it, e.g. \"10.10.10.201 ssh-ed25519 AAAAC3…\"")
  .transform((v) => HOST_KEY.exec(v)?.[2] ?? v);

export const etcdNodeSchema = z.strictObject({
  /** Node name, the key prefix of its snapshots on the hub. */
  name: dnsLabelSchema,
  /** Address the SSH push connects to. */
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(22),
  /** SSH user with passwordless sudo. */
  user: z.string().min(1),
  /** Pinned SSH host key (required: the push never trusts an unknown host). */
  hostKey: sshHostKeySchema,
});

export const etcdOffloadSchema = z.strictObject({
  /** Control-plane nodes to push the offload to. */
  nodes: z.array(etcdNodeSchema).min(1, "must list at least one control-plane node"),
  snapshotDir: z.string().startsWith("/", "must be an absolute path").default("/var/lib/rancher/k3s/server/db/snapshots"),
  tokenFile: z.string().startsWith("/", "must be an absolute path").default("/var/lib/rancher/k3s/server/token"),
  /** Upload the k3s server token (needed to restore on a new host). */
  uploadToken: z.boolean().default(true),
  /** Seconds a snapshot must be untouched before upload. */
  minAgeSeconds: z.number().int().min(0).max(86400).default(120),
  /** node-exporter textfile collector directory for etcd_offload_last_success_timestamp_seconds. */
  textfileDir: z.string().startsWith("/", "must be an absolute path").optional(),
  /** Timer OnCalendar= and RandomizedDelaySec=. */
  onCalendar: calendarSchema.default("hourly"),
  randomizedDelay: timespanSchema.default("15min"),
});

export const rgwMirrorSchema = z.strictObject({
  /** Ceph RGW S3 endpoint, scheme://host[:port]. */
  sourceEndpoint: endpointSchema,
  sourceRegion: z.string().min(1).default("us-east-1"),
  /** Existing Secret (in namespaces.apps) with the source credentials. */
  sourceSecret: z.strictObject({
    name: dnsSubdomainSchema,
    accessKeyIdKey: z.string().min(1).default("AWS_ACCESS_KEY_ID"),
    secretAccessKeyKey: z.string().min(1).default("AWS_SECRET_ACCESS_KEY"),
  }),
  /** Buckets to mirror; empty = every bucket the source credentials can list. */
  buckets: z.array(z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name")).default([]),
  /** copy first, sync in steady state. */
  mode: z.enum(["copy", "sync"]).default("copy"),
  /** Per-bucket deletion budget in sync mode. */
  maxDelete: z.number().int().min(0).default(100),
  transfers: z.number().int().min(1).max(64).default(4),
  checkers: z.number().int().min(1).max(128).default(8),
  deadlineMinutes: z.number().int().min(5).max(1440).default(240),
});

