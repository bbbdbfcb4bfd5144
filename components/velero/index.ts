/**
 * Velero with Kopia file-system backups to the hub: the namespace, the credentials Secret built
 * from the hub's velero writer, and a Helm release of the vmware-tanzu chart with values from
 * {@link veleroValues}. The chart creates the BackupStorageLocation, Schedule and ServiceMonitor.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { labels } from "../lib/kubernetes";
import { veleroSchedule } from "./schedule";
import { CLOUD_KEY, VELERO_CHART, VELERO_REPO, VeleroValuesArgs, cloudCredentials, hostPathWarnings, veleroValues } from "./values";

export interface VeleroArgs extends Omit<VeleroValuesArgs, "credentialsSecret" | "hub"> {
  /** Namespace of Velero (`velero`); created here. */
  namespace: string;
  /** Resources the release waits for (the Prometheus Operator CRD reads). Default none. */
  requires?: pulumi.Resource[];
  /** Chart version (12.1.0). */
  chartVersion: string;
  hub: Omit<VeleroValuesArgs["hub"], "bucket"> & { bucket: pulumi.Input<string> };
  /** The velero writer's hub credentials (secrets). */
  writer: { accessKeyId: pulumi.Input<string>; secretAccessKey: pulumi.Input<string> };
}

export const VELERO_CREDENTIALS_SECRET = "velero-hub-credentials";

export class Velero extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: VeleroArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab-backups:index:Velero", name, {}, opts);
    const child = { parent: this };
    for (const warning of hostPathWarnings(args.velero)) pulumi.log.warn(warning, this);
    const { warning: scheduleWarning } = veleroSchedule(args.schedule, args.timeZone);
    if (scheduleWarning) pulumi.log.warn(scheduleWarning, this);

    const ns = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: args.namespace,
          // node-agent mounts the kubelet's pod directory (hostPath) as root.
          labels: { ...labels("velero", "namespace"), "pod-security.kubernetes.io/enforce": "privileged" },
        },
      },
      child,
    );
    const secret = new k8s.core.v1.Secret(
      `${name}-credentials`,
      {
        metadata: { name: VELERO_CREDENTIALS_SECRET, namespace: ns.metadata.name, labels: labels("velero", "credentials") },
        type: "Opaque",
        stringData: { [CLOUD_KEY]: cloudCredentials(args.writer) },
      },
      child,
    );
    const values = pulumi
      .output(args.hub.bucket)
      .apply((bucket) => veleroValues({ ...args, hub: { ...args.hub, bucket }, credentialsSecret: VELERO_CREDENTIALS_SECRET }));
    this.release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        name: "velero",
        chart: VELERO_CHART,
        version: args.chartVersion,
        repositoryOpts: { repo: VELERO_REPO },
        namespace: ns.metadata.name,
        values,
        atomic: true,
        timeout: 600,
      },
      // The chart's ServiceMonitor needs the Prometheus Operator CRDs.
      { ...child, dependsOn: [secret, ...(args.requires ?? [])] },
    );
    this.registerOutputs({ release: this.release.name });
  }
}
