/**
 * Pure builders of the monitoring objects: PrometheusRule per alert group (contract-4 alerts with
 * severity, summary and runbook_url), and the MinIO hub scrape (Service + Endpoints to the Pi's
 * address, ServiceMonitor for /minio/v2/metrics/cluster and /node).
 */
import { AlertGroup, runbookUrl } from "../lib/alerts";
import { labels } from "../lib/kubernetes";
import { MINIO_JOB } from "../minio-hub/alerts";

type Obj = Record<string, unknown>;

/** A rule group as Prometheus reads it (the PrometheusRule spec's group). */
export function ruleGroup(group: AlertGroup, runbookBase: string): Obj {
  return {
    name: group.name,
    rules: group.rules.map((r) => ({
      alert: r.name,
      expr: r.expr,
      for: r.for,
      labels: { severity: r.severity },
      annotations: { summary: r.summary, runbook_url: runbookUrl(runbookBase, r.name) },
    })),
  };
}

export function prometheusRule(group: AlertGroup, namespace: string, selectorLabels: Record<string, string>, runbookBase: string): Obj {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name: group.name, namespace, labels: { ...labels("homelab-backups", "alerts"), ...selectorLabels } },
    spec: { groups: [ruleGroup(group, runbookBase)] },
  };
}

export const MINIO_METRICS_PORT = "http-metrics";

/** The hub as a Service without selector plus Endpoints to its address (the Pi is outside the cluster). */
export function minioScrapeTarget(a: { namespace: string; address: string; port: number }): { service: Obj; endpoints: Obj } {
  const meta = { name: MINIO_JOB, namespace: a.namespace, labels: labels(MINIO_JOB, "metrics") };
  return {
    service: {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta,
      spec: { type: "ClusterIP", clusterIP: "None", ports: [{ name: MINIO_METRICS_PORT, port: a.port, targetPort: a.port, protocol: "TCP" }] },
    },
    endpoints: {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: meta,
      subsets: [{ addresses: [{ ip: a.address }], ports: [{ name: MINIO_METRICS_PORT, port: a.port, protocol: "TCP" }] }],
    },
  };
}

export function minioServiceMonitor(a: {
  namespace: string;
  scheme: "http" | "https";
  selectorLabels: Record<string, string>;
  bearerTokenSecret?: { name: string; key: string };
  insecureSkipVerify: boolean;
}): Obj {
  const endpoint = (path: string) => ({
    port: MINIO_METRICS_PORT,
    path,
    scheme: a.scheme,
    interval: "1m",
    ...(a.bearerTokenSecret ? { bearerTokenSecret: a.bearerTokenSecret } : {}),
    ...(a.scheme === "https" ? { tlsConfig: { insecureSkipVerify: a.insecureSkipVerify } } : {}),
  });
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: { name: MINIO_JOB, namespace: a.namespace, labels: { ...labels(MINIO_JOB, "metrics"), ...a.selectorLabels } },
    spec: {
      selector: { matchLabels: { "app.kubernetes.io/name": MINIO_JOB } },
      namespaceSelector: { matchNames: [a.namespace] },
      endpoints: [endpoint("/minio/v2/metrics/cluster"), endpoint("/minio/v2/metrics/node")],
    },
  };
}

/** The Volsync controller's metrics (the fork's chart serves them on port `https` with auth disabled). */
export function volsyncServiceMonitor(a: { namespace: string; selectorLabels: Record<string, string> }): Obj {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: { name: "volsync", namespace: a.namespace, labels: { ...labels("volsync", "metrics"), ...a.selectorLabels } },
    spec: {
      selector: { matchLabels: { "app.kubernetes.io/name": "volsync" } },
      namespaceSelector: { matchNames: [a.namespace] },
      endpoints: [{ port: "https", scheme: "https", path: "/metrics", interval: "1m", tlsConfig: { insecureSkipVerify: true } }],
    },
  };
}
