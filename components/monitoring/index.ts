/**
 * Monitoring: the MinIO hub scrape (Service + Endpoints + ServiceMonitor) and, when Volsync runs,
 * its ServiceMonitor, in `namespaces.monitoring` (Volsync's in its own); and one PrometheusRule per
 * backup path's alert group, labelled for the cluster's Prometheus. Velero's ServiceMonitor comes
 * from its chart with the same labels.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AlertGroup } from "../lib/alerts";
import { MINIO_CA_CONFIGMAP, MINIO_CA_KEY, minioScrapeTarget, minioServiceMonitor, prometheusRule, volsyncServiceMonitor } from "./rules";
import { labels } from "../lib/kubernetes";
import { MINIO_JOB } from "../minio-hub/alerts";

export interface MonitoringArgs {
  namespace: string;
  selectorLabels: Record<string, string>;
  runbookBaseUrl: string;
  /** The hub: IPv4 address, port, scheme and TLS verification. */
  hub: { address: string; port: number; scheme: "http" | "https"; tlsVerify: boolean; serverName?: string; caBundle?: string };
  bearerTokenSecret?: { name: string; key: string };
  /** Namespace of the Volsync operator when Volsync runs. */
  volsyncNamespace?: string;
  /** Every enabled path's alerts; empty groups are skipped. */
  groups: AlertGroup[];
  /** Resources the custom resources wait for (the Prometheus Operator CRD reads). Default none. */
  requires?: pulumi.Resource[];
}

export class Monitoring extends pulumi.ComponentResource {
  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab-backups:index:Monitoring", name, {}, opts);
    const child = { parent: this };
    const crs = { parent: this, dependsOn: args.requires ?? [] };
    const target = minioScrapeTarget({ namespace: args.namespace, address: args.hub.address, port: args.hub.port });
    new k8s.core.v1.Service(`${name}-minio-service`, target.service, child);
    new k8s.core.v1.Endpoints(`${name}-minio-endpoints`, target.endpoints, child);
    if (args.hub.caBundle) {
      new k8s.core.v1.ConfigMap(`${name}-minio-ca`, {
        metadata: { name: MINIO_CA_CONFIGMAP, namespace: args.namespace, labels: labels(MINIO_JOB, "ca") },
        data: { [MINIO_CA_KEY]: args.hub.caBundle },
      }, child);
    }
    new k8s.apiextensions.CustomResource(
      `${name}-minio-servicemonitor`,
      minioServiceMonitor({
        namespace: args.namespace, scheme: args.hub.scheme, selectorLabels: args.selectorLabels,
        bearerTokenSecret: args.bearerTokenSecret, insecureSkipVerify: !args.hub.tlsVerify,
        serverName: args.hub.serverName, caConfigMap: args.hub.caBundle ? MINIO_CA_CONFIGMAP : undefined,
      }) as k8s.apiextensions.CustomResourceArgs,
      crs,
    );
    // With no selector labels Prometheus selects every ServiceMonitor, the chart's included: a
    // second one would scrape Volsync twice.
    if (args.volsyncNamespace && Object.keys(args.selectorLabels).length > 0) {
      new k8s.apiextensions.CustomResource(
        `${name}-volsync-servicemonitor`,
        volsyncServiceMonitor({ namespace: args.volsyncNamespace, selectorLabels: args.selectorLabels }) as k8s.apiextensions.CustomResourceArgs,
        crs,
      );
    }
    for (const group of args.groups.filter((g) => g.rules.length > 0)) {
      new k8s.apiextensions.CustomResource(
        `${name}-${group.name}`,
        prometheusRule(group, args.namespace, args.selectorLabels, args.runbookBaseUrl) as k8s.apiextensions.CustomResourceArgs,
        crs,
      );
    }
    this.registerOutputs({});
  }
}
