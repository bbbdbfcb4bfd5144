/**
 * Hub truth in the cluster: Deployment `hub-exporter` in `namespaces.monitoring` runs hub-exporter.sh
 * in the toolbox image (bash, rclone, jq, socat) with the hub's read-only user, lists every enabled
 * path's bucket every `intervalSeconds` and serves what is committed there as Prometheus metrics,
 * scraped by ServiceMonitor `hub-exporter`. Its alerts (BackupHubStale, RestoreDrillSlow,
 * BackupHubExporterDown) are in ./alerts.ts; the same facts back `npm run status`.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HubTarget, hubCredentialsSecret, hubEnv, labels, Resources, scriptContainer, scriptsConfigMap, scriptVolumes, SCRIPT_TMP_SIZE, toolboxDeployment, withHubCa } from "../lib/kubernetes";
import { scriptBundle } from "../lib/scripts";
import { HubPath } from "./paths";
import { HUB_STATUS_FILES } from "./scripts";

export const HUB_EXPORTER = "hub-exporter";
export const HUB_EXPORTER_PORT = 9842;

export interface HubStatusArgs {
  /** `namespaces.monitoring`. */
  namespace: string;
  /** The toolbox image (bash, rclone, jq, socat), pinned by digest. */
  image: string;
  /** Hub endpoint and region (the bucket is per path). */
  hub: Omit<HubTarget, "bucket">;
  /** The hub reader's credentials (secrets). */
  reader: { accessKeyId: pulumi.Input<string>; secretAccessKey: pulumi.Input<string> };
  /** Every backup path (hubPaths). */
  paths: HubPath[];
  /** Seconds between two listings of the hub. Default 300. */
  intervalSeconds?: number;
  /** Labels the cluster's Prometheus selects ServiceMonitors by. */
  selectorLabels: Record<string, string>;
  /** Resources the ServiceMonitor waits for (the Prometheus Operator CRD reads). Default none. */
  requires?: pulumi.Resource[];
}

/** rclone holds one bucket's listing in memory (~1 KiB per object); jq another copy. */
export const EXPORTER_RESOURCES: Resources = {
  requests: { cpu: "20m", memory: "64Mi", "ephemeral-storage": "64Mi" },
  limits: { memory: "512Mi", "ephemeral-storage": "256Mi" },
};

/** The Deployment (pure). */
export function exporterDeployment(a: HubStatusArgs & { configMap: pulumi.Input<string>; secret: pulumi.Input<string> }): k8s.types.input.apps.v1.Deployment {
  const lbls = labels(HUB_EXPORTER, "exporter");
  const container = scriptContainer({
    name: HUB_EXPORTER,
    image: a.image,
    script: "hub-exporter.sh",
    configMap: a.configMap,
    env: [
      ...hubEnv({ ...a.hub, bucket: "" }, a.secret).filter((e) => e.name !== "BACKUP_S3_BUCKET"),
      { name: "HUB_PATHS", value: JSON.stringify(a.paths) },
      { name: "HUB_EXPORTER_PORT", value: String(HUB_EXPORTER_PORT) },
      { name: "HUB_EXPORTER_INTERVAL_SECONDS", value: String(a.intervalSeconds ?? 300) },
    ],
    resources: EXPORTER_RESOURCES,
  });
  return toolboxDeployment({
    name: HUB_EXPORTER,
    namespace: a.namespace,
    labels: lbls,
    container: { ...container, ports: [{ name: "metrics", containerPort: HUB_EXPORTER_PORT }], readinessProbe: { tcpSocket: { port: "metrics" }, periodSeconds: 10 } },
    volumes: scriptVolumes(a.configMap, SCRIPT_TMP_SIZE).volumes,
  });
}

export function exporterService(namespace: string): k8s.types.input.core.v1.Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: HUB_EXPORTER, namespace, labels: labels(HUB_EXPORTER, "exporter") },
    spec: { selector: { "app.kubernetes.io/name": HUB_EXPORTER }, ports: [{ name: "metrics", port: HUB_EXPORTER_PORT, targetPort: "metrics" }] },
  };
}

export function exporterServiceMonitor(namespace: string, selectorLabels: Record<string, string>): Record<string, unknown> {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: { name: HUB_EXPORTER, namespace, labels: { ...labels(HUB_EXPORTER, "metrics"), ...selectorLabels } },
    spec: {
      selector: { matchLabels: { "app.kubernetes.io/name": HUB_EXPORTER } },
      namespaceSelector: { matchNames: [namespace] },
      endpoints: [{ port: "metrics", path: "/metrics", interval: "1m" }],
    },
  };
}

export class HubStatus extends pulumi.ComponentResource {
  constructor(name: string, args: HubStatusArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab-backups:index:HubStatus", name, {}, opts);
    const child = { parent: this };
    const lbls = labels(HUB_EXPORTER, "exporter");
    const secret = new k8s.core.v1.Secret(`${name}-reader`, hubCredentialsSecret(`${HUB_EXPORTER}-hub`, args.namespace, args.reader, lbls), child);
    const bundle = withHubCa(scriptBundle(HUB_STATUS_FILES), { ...args.hub, bucket: "" });
    const scripts = new k8s.core.v1.ConfigMap(`${name}-scripts`, scriptsConfigMap(HUB_EXPORTER, args.namespace, bundle, lbls), child);
    new k8s.apps.v1.Deployment(`${name}-deployment`, exporterDeployment({ ...args, configMap: scripts.metadata.name, secret: secret.metadata.name }), child);
    new k8s.core.v1.Service(`${name}-service`, exporterService(args.namespace), child);
    new k8s.apiextensions.CustomResource(`${name}-servicemonitor`, exporterServiceMonitor(args.namespace, args.selectorLabels) as k8s.apiextensions.CustomResourceArgs,
      { parent: this, dependsOn: args.requires ?? [] });
    this.registerOutputs({});
  }
}
