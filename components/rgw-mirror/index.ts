/**
 * The RGW mirror: hub credentials Secret, content-hashed scripts ConfigMap and CronJob `rgw-mirror`
 * (04:00 in homelab) running rgw-mirror.sh in the toolbox image (which carries rclone). Source
 * credentials come from an existing in-cluster Secret.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { rgwMirrorSchema } from "../../config/paths-schema";
import {
  HubTarget,
  Resources,
  cronJob,
  envFromSecret,
  hubCredentialsSecret,
  hubEnv,
  labels,
  restrictedPodSecurity,
  SCRIPT_TMP_SIZE,
  scriptContainer,
  scriptVolumes,
  scriptsConfigMap,
  withHubCa,
} from "../lib/kubernetes";
import { scriptBundle } from "../lib/scripts";
import { RGW_SCRIPTS } from "./scripts";

export const RGW_CRONJOB = "rgw-mirror";

export type RgwMirrorSettings = ReturnType<typeof rgwMirrorSchema.parse>;

export interface RgwMirrorArgs {
  /** Namespace of the CronJob and of the source credentials Secret (`apps` in homelab). */
  namespace: string;
  timeZone: string;
  /** Cron schedule (04:00 in homelab). */
  schedule: string;
  /** The toolbox image (bash, rclone, jq), pinned by digest. */
  image: string;
  /** Hub endpoint, the rgw bucket and region. */
  hub: HubTarget;
  /** The rgw-mirror writer's credentials (secrets). */
  writer: { accessKeyId: pulumi.Input<string>; secretAccessKey: pulumi.Input<string> };
  /** Source, buckets, mode and limits (see config rgwMirror.*). */
  mirror: RgwMirrorSettings;
}

/** rclone holds `transfers` x 5 MiB chunk buffers plus listings; 1 GiB is generous for thousands of objects. */
export const MIRROR_RESOURCES: Resources = {
  requests: { cpu: "250m", memory: "256Mi", "ephemeral-storage": "64Mi" },
  limits: { memory: "1Gi", "ephemeral-storage": "256Mi" },
};

/** The CronJob (pure). */
export function mirrorCronJob(a: RgwMirrorArgs & { configMap: pulumi.Input<string>; hubSecret: pulumi.Input<string> }): k8s.types.input.batch.v1.CronJob {
  const m = a.mirror;
  const container = scriptContainer({
    name: RGW_CRONJOB,
    image: a.image,
    script: "rgw-mirror.sh",
    configMap: a.configMap,
    env: [
      ...hubEnv(a.hub, a.hubSecret),
      { name: "SOURCE_S3_ENDPOINT", value: m.sourceEndpoint },
      { name: "SOURCE_S3_REGION", value: m.sourceRegion },
      envFromSecret("SOURCE_S3_ACCESS_KEY_ID", m.sourceSecret.name, m.sourceSecret.accessKeyIdKey),
      envFromSecret("SOURCE_S3_SECRET_ACCESS_KEY", m.sourceSecret.name, m.sourceSecret.secretAccessKeyKey),
      { name: "RGW_BUCKETS", value: m.buckets.join(",") },
      { name: "MIRROR_MODE", value: m.mode },
      { name: "MAX_DELETE", value: String(m.maxDelete) },
      { name: "MIRROR_TRANSFERS", value: String(m.transfers) },
      { name: "MIRROR_CHECKERS", value: String(m.checkers) },
    ],
    resources: MIRROR_RESOURCES,
  });
  return cronJob({
    name: RGW_CRONJOB,
    namespace: a.namespace,
    labels: labels(RGW_CRONJOB, "mirror"),
    schedule: a.schedule,
    timeZone: a.timeZone,
    activeDeadlineSeconds: m.deadlineMinutes * 60,
    podSpec: { securityContext: restrictedPodSecurity(), containers: [container], volumes: scriptVolumes(a.configMap, SCRIPT_TMP_SIZE).volumes },
  });
}

export class RgwMirror extends pulumi.ComponentResource {
  public readonly cronJob: k8s.batch.v1.CronJob;

  constructor(name: string, args: RgwMirrorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab-backups:index:RgwMirror", name, {}, opts);
    const child = { parent: this };
    const secret = new k8s.core.v1.Secret(
      `${name}-hub-credentials`,
      hubCredentialsSecret(`${RGW_CRONJOB}-hub`, args.namespace, args.writer, labels(RGW_CRONJOB, "mirror")),
      child,
    );
    const scripts = new k8s.core.v1.ConfigMap(
      `${name}-scripts`,
      scriptsConfigMap(`${RGW_CRONJOB}-scripts`, args.namespace, withHubCa(scriptBundle(RGW_SCRIPTS), args.hub), labels(RGW_CRONJOB, "scripts")),
      child,
    );
    this.cronJob = new k8s.batch.v1.CronJob(
      `${name}-cronjob`,
      mirrorCronJob({ ...args, configMap: scripts.metadata.name, hubSecret: secret.metadata.name }),
      { ...child, dependsOn: [secret, scripts] },
    );
    this.registerOutputs({ cronJob: this.cronJob.metadata.name });
  }
}
