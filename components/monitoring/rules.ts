/**
 * Pure builders of the monitoring objects: PrometheusRule per alert group (contract-4 alerts with
 * severity, summary and runbook_url), and the MinIO hub scrape (Service + Endpoints to the Pi's
 * address, ServiceMonitor for /minio/v2/metrics/cluster, /node and /bucket).
 */
import { AlertGroup, runbookUrl } from "../lib/alerts";
import { labels } from "../lib/kubernetes";
import { MINIO_ENDPOINTS, MINIO_ENDPOINT_LABEL, MINIO_JOB } from "../minio-hub/alerts";

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
export const MINIO_CA_CONFIGMAP = "minio-hub-ca";
export const MINIO_CA_KEY = "ca.crt";

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
  /** TLS server name: the hub's host name (the scrape dials the Endpoints' IP, the certificate names the host). */
  serverName?: string;
  /** ConfigMap (in `namespace`) holding the hub's private CA under {@link MINIO_CA_KEY}. */
  caConfigMap?: string;
}): Obj {
  const tlsConfig = {
    insecureSkipVerify: a.insecureSkipVerify,
    ...(a.serverName ? { serverName: a.serverName } : {}),
    ...(a.caConfigMap ? { ca: { configMap: { name: a.caConfigMap, key: MINIO_CA_KEY } } } : {}),
  };
  // One scrape per v2 endpoint; `minio_metrics` tells their `up` series apart (job, instance and
  // endpoint are the same for all three). Bucket metrics (minio_bucket_*) exist only at /bucket.
  const endpoint = (which: (typeof MINIO_ENDPOINTS)[number]) => ({
    port: MINIO_METRICS_PORT,
    path: `/minio/v2/metrics/${which}`,
    scheme: a.scheme,
    interval: "1m",
    relabelings: [{ action: "replace", targetLabel: MINIO_ENDPOINT_LABEL, replacement: which }],
    ...(a.bearerTokenSecret ? { bearerTokenSecret: a.bearerTokenSecret } : {}),
    ...(a.scheme === "https" ? { tlsConfig } : {}),
  });
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: { name: MINIO_JOB, namespace: a.namespace, labels: { ...labels(MINIO_JOB, "metrics"), ...a.selectorLabels } },
    spec: {
      selector: { matchLabels: { "app.kubernetes.io/name": MINIO_JOB } },
      namespaceSelector: { matchNames: [a.namespace] },
      endpoints: MINIO_ENDPOINTS.map(endpoint),
    },
  };
}

/**
 * The fork's chart (0.18.4, templates/servicemonitor-volsync.yaml) creates `ServiceMonitor volsync`
 * itself whenever the CRD exists, with no value to add labels; a Prometheus that selects
 * ServiceMonitors by `monitoring.selectorLabels` never picks it up. Ours has another name, selects
 * the same Service (`<fullname>-metrics`, label `control-plane: <fullname>-controller`, port
 * `https`) and carries the selector labels, so exactly one of the two is scraped.
 */
export const VOLSYNC_SERVICE_MONITOR = "homelab-backups-volsync";
export const VOLSYNC_METRICS_SELECTOR = { "control-plane": "volsync-controller" };

/** The Volsync controller's metrics, for a Prometheus that selects by labels (see above). */
export function volsyncServiceMonitor(a: { namespace: string; selectorLabels: Record<string, string> }): Obj {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: { name: VOLSYNC_SERVICE_MONITOR, namespace: a.namespace, labels: { ...labels("volsync", "metrics"), ...a.selectorLabels } },
    spec: {
      selector: { matchLabels: VOLSYNC_METRICS_SELECTOR },
      namespaceSelector: { matchNames: [a.namespace] },
      endpoints: [{ port: "https", scheme: "https", path: "/metrics", interval: "1m", tlsConfig: { insecureSkipVerify: true } }],
    },
  };
}
