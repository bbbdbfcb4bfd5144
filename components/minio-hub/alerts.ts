/** Alerts of the MinIO hub (contract 4), from MinIO's v2 cluster metrics and the scrape itself. */
import { AlertGroup, GROUP_PREFIX } from "../lib/alerts";

/** Prometheus `job` of the hub's scrape: the name of the Service the ServiceMonitor selects. */
export const MINIO_JOB = "minio-hub";

/**
 * The hub's v2 metrics endpoints the ServiceMonitor scrapes, each marked by a `minio_metrics`
 * target label: without it the three scrapes would produce identical `up` series.
 */
export const MINIO_ENDPOINTS = ["cluster", "node", "bucket"] as const;
export const MINIO_ENDPOINT_LABEL = "minio_metrics";

export const MINIO_USED_PERCENT =
  "100 * (1 - max by (job) (minio_cluster_capacity_usable_free_bytes) / max by (job) (minio_cluster_capacity_usable_total_bytes))";

export function minioAlerts(): AlertGroup {
  return {
    name: `${GROUP_PREFIX}-minio`,
    rules: [
      {
        name: "MinioCapacityHigh",
        expr: `${MINIO_USED_PERCENT} > 85`,
        for: "30m",
        severity: "warning",
        summary: "MinIO hub usable capacity {{ $value | humanize }}% used (over 85%)",
      },
      {
        name: "MinioScrapeDown",
        expr: [
          `max by (job, ${MINIO_ENDPOINT_LABEL}) (up{job="${MINIO_JOB}"}) == 0`,
          ...MINIO_ENDPOINTS.map((e) => `or absent(up{job="${MINIO_JOB}",${MINIO_ENDPOINT_LABEL}="${e}"})`),
        ].join("\n"),
        for: "10m",
        severity: "warning",
        summary: `Prometheus cannot scrape the MinIO hub's {{ $labels.${MINIO_ENDPOINT_LABEL} }} metrics (target down or missing)`,
      },
    ],
  };
}
