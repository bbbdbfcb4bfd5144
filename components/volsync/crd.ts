/**
 * The parts of the fork's volsync.backube/v1alpha1 CRDs (ReplicationSource, ReplicationDestination
 * with the Kopia mover) this program writes, as strict schemas: the builders' types come from here,
 * and the rendered-object tests validate every Volsync object against them (kubernetes-models has
 * no Volsync package). Written from the fork's documented fields.
 */
import { z } from "zod";

const str = z.string();
const metadata = z.strictObject({ name: str, namespace: str, labels: z.record(str, str).optional() });
const securityContext = z.strictObject({
  runAsUser: z.number().int(), runAsGroup: z.number().int(), fsGroup: z.number().int(), runAsNonRoot: z.boolean(),
  seccompProfile: z.strictObject({ type: z.literal("RuntimeDefault") }),
});
const moverVolume = z.strictObject({
  mountPath: str.regex(/^[^/]/, "is relative to the mover's mount root"),
  volumeSource: z.strictObject({ persistentVolumeClaim: z.strictObject({ claimName: str }) }),
});
const copyMethod = z.enum(["Direct", "Clone", "Snapshot"]);
const accessModes = z.array(z.enum(["ReadWriteOnce", "ReadWriteMany", "ReadOnlyMany", "ReadWriteOncePod"]));

const kopiaCommon = {
  repository: str,
  username: str.optional(),
  hostname: str.optional(),
  copyMethod,
  storageClassName: str.optional(),
  volumeSnapshotClassName: str.optional(),
  cacheCapacity: str.optional(),
  cacheStorageClassName: str.optional(),
  cacheAccessModes: accessModes.optional(),
  moverSecurityContext: securityContext.optional(),
  moverVolumes: z.array(moverVolume).optional(),
};

export const replicationSourceSchema = z.strictObject({
  apiVersion: z.literal("volsync.backube/v1alpha1"),
  kind: z.literal("ReplicationSource"),
  metadata,
  spec: z.strictObject({
    sourcePVC: str,
    trigger: z.strictObject({ schedule: str }),
    kopia: z.strictObject({
      ...kopiaCommon,
      compression: str.optional(),
      parallelism: z.number().int().min(1).optional(),
      retain: z.strictObject({ hourly: z.number().int().optional(), daily: z.number().int().optional(), weekly: z.number().int().optional() }).optional(),
    }),
  }),
});

export const replicationDestinationSchema = z.strictObject({
  apiVersion: z.literal("volsync.backube/v1alpha1"),
  kind: z.literal("ReplicationDestination"),
  metadata,
  spec: z.strictObject({
    trigger: z.strictObject({ manual: str }),
    kopia: z.strictObject({ ...kopiaCommon, capacity: str, accessModes }),
  }),
});

export type ReplicationSource = z.infer<typeof replicationSourceSchema>;
export type ReplicationDestination = z.infer<typeof replicationDestinationSchema>;

/** Schemas by kind, for the rendered-object checks. */
export const VOLSYNC_SCHEMAS: Record<string, z.ZodType> = {
  ReplicationSource: replicationSourceSchema,
  ReplicationDestination: replicationDestinationSchema,
};
