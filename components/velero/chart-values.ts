/**
 * The values of the vmware-tanzu `velero` chart this program sets, written from the chart's
 * documented values.yaml (chart 12.x, Velero 1.18). Strict objects: a key the chart does not
 * document is a parse error, so a typo or a key renamed upstream fails the tests, not the cluster.
 * Only the parts of the chart this program touches are described; the rest keep chart defaults.
 */
import { z } from "zod";

const str = z.string();
const labels = z.record(str, str);
const resources = z.strictObject({
  requests: z.strictObject({ cpu: str.optional(), memory: str.optional() }).optional(),
  limits: z.strictObject({ cpu: str.optional(), memory: str.optional() }).optional(),
});

const location = {
  name: str.optional(),
  provider: str.optional(),
  credential: z.strictObject({ name: str.optional(), key: str.optional() }).optional(),
  config: z.record(str, str).optional(),
  annotations: labels.optional(),
};

const backupStorageLocation = z.strictObject({
  ...location,
  bucket: str,
  caCert: str.optional(),
  prefix: str.optional(),
  default: z.boolean().optional(),
  validationFrequency: str.optional(),
  accessMode: z.enum(["ReadWrite", "ReadOnly"]).optional(),
});

const schedule = z.strictObject({
  disabled: z.boolean().optional(),
  labels: labels.optional(),
  annotations: labels.optional(),
  schedule: str,
  useOwnerReferencesInBackup: z.boolean().optional(),
  paused: z.boolean().optional(),
  template: z.strictObject({
    ttl: str.optional(),
    storageLocation: str.optional(),
    includedNamespaces: z.array(str).optional(),
    excludedNamespaces: z.array(str).optional(),
    defaultVolumesToFsBackup: z.boolean().optional(),
    snapshotVolumes: z.boolean().optional(),
  }),
});

const monitor = z.strictObject({
  autodetect: z.boolean().optional(),
  enabled: z.boolean().optional(),
  annotations: labels.optional(),
  additionalLabels: labels.optional(),
  namespace: str.optional(),
});

export const veleroChartValuesSchema = z.strictObject({
  image: z.strictObject({ repository: str.optional(), tag: str.optional(), digest: str.optional(), pullPolicy: str.optional() }).optional(),
  resources: resources.optional(),
  initContainers: z
    .array(z.strictObject({
      name: str,
      image: str,
      imagePullPolicy: str.optional(),
      volumeMounts: z.array(z.strictObject({ mountPath: str, name: str })),
    }))
    .optional(),
  podSecurityContext: z.record(str, z.unknown()).optional(),
  containerSecurityContext: z.record(str, z.unknown()).optional(),
  metrics: z
    .strictObject({
      enabled: z.boolean().optional(),
      scrapeInterval: str.optional(),
      scrapeTimeout: str.optional(),
      serviceMonitor: monitor.optional(),
      nodeAgentPodMonitor: monitor.optional(),
      prometheusRule: monitor.extend({ spec: z.array(z.unknown()).optional() }).optional(),
    })
    .optional(),
  upgradeCRDs: z.boolean().optional(),
  configuration: z
    .strictObject({
      backupStorageLocation: z.array(backupStorageLocation).optional(),
      volumeSnapshotLocation: z.array(z.strictObject(location)).optional(),
      uploaderType: z.enum(["kopia", "restic"]).optional(),
      backupSyncPeriod: str.optional(),
      fsBackupTimeout: str.optional(),
      defaultBackupStorageLocation: str.optional(),
      defaultBackupTTL: str.optional(),
      defaultVolumesToFsBackup: z.boolean().optional(),
      defaultRepoMaintainFrequency: str.optional(),
      features: str.optional(),
      logLevel: str.optional(),
      logFormat: str.optional(),
    })
    .optional(),
  credentials: z
    .strictObject({
      useSecret: z.boolean().optional(),
      name: str.optional(),
      existingSecret: str.optional(),
      secretContents: z.record(str, str).optional(),
      extraSecretRef: str.optional(),
    })
    .optional(),
  backupsEnabled: z.boolean().optional(),
  snapshotsEnabled: z.boolean().optional(),
  deployNodeAgent: z.boolean().optional(),
  nodeAgent: z
    .strictObject({
      podVolumePath: str.optional(),
      resources: resources.optional(),
      tolerations: z.array(z.unknown()).optional(),
      podSecurityContext: z.record(str, z.unknown()).optional(),
      containerSecurityContext: z.record(str, z.unknown()).optional(),
    })
    .optional(),
  schedules: z.record(str, schedule).optional(),
});

export type VeleroChartValues = z.infer<typeof veleroChartValuesSchema>;
