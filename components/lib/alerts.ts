/**
 * Alert definitions as data: each backup path owns a typed list (its alerts.ts); the monitoring
 * component turns them into PrometheusRule groups and the Grafana component into alert rules with
 * the very same expressions. Alert names are contract 4; the runbook has a section per name.
 */

export type Severity = "critical" | "warning";

export interface AlertRule {
  /** Contract-4 name, also the runbook anchor (lower-cased). */
  name: string;
  /** PromQL; fires for every series it returns. */
  expr: string;
  /** How long the condition must hold (Prometheus duration). */
  for: string;
  severity: Severity;
  /** One line; may use {{ $labels.x }}. */
  summary: string;
}

/** A path's alerts, as one rule group. */
export interface AlertGroup {
  /** Group and PrometheusRule name, e.g. `homelab-backups-postgres`. */
  name: string;
  rules: AlertRule[];
}

export const GROUP_PREFIX = "homelab-backups";

/** The runbook section of an alert (GitHub-style anchor of its `### <name>` heading). */
export function runbookUrl(base: string, alert: string): string {
  return `${base}#${alert.toLowerCase()}`;
}

const hours = (h: number) => h * 3600;

/** Label matchers of one CronJob's kube-state-metrics series. */
const cronJobSelector = (namespace: string, cronJob: string) => `namespace="${namespace}",cronjob="${cronJob}"`;

/**
 * A Job of the CronJob failed (backoff exhausted) within the last day: kube-state-metrics'
 * kube_job_failed joined to the Job's owner. Retried-then-successful Jobs never count; the failure
 * clears a day later, by when the stale alert has taken over if nothing succeeded since.
 */
export function cronJobFailedExpr(namespace: string, cronJob: string): string {
  return [
    "max by (namespace, owner_name, job_name) (",
    `  (kube_job_failed{namespace="${namespace}",condition="true"} == 1)`,
    `  * on (namespace, job_name) group_left (owner_name) kube_job_owner{namespace="${namespace}",owner_kind="CronJob",owner_name="${cronJob}"}`,
    `  and on (namespace, job_name) (time() - kube_job_status_start_time{namespace="${namespace}"} < ${hours(24)})`,
    ")",
  ].join("\n");
}

/**
 * The CronJob's last success is older than `maxHours`, or it never succeeded though it exists for
 * longer than that, or kube-state-metrics has never seen it (absent: exporter or CronJob missing).
 */
export function cronJobStaleExpr(namespace: string, cronJob: string, maxHours: number): string {
  const sel = cronJobSelector(namespace, cronJob);
  return [
    `time() - max by (namespace, cronjob) (kube_cronjob_status_last_successful_time{${sel}}) > ${hours(maxHours)}`,
    `or (time() - max by (namespace, cronjob) (kube_cronjob_created{${sel}}) > ${hours(maxHours)}`,
    `  unless on (namespace, cronjob) kube_cronjob_status_last_successful_time{${sel}})`,
    `or absent(kube_cronjob_created{${sel}})`,
  ].join("\n");
}

/** The failed + stale pair every CronJob-driven path has. */
export function cronJobAlerts(a: {
  namespace: string;
  cronJob: string;
  staleHours: number;
  failed: string;
  stale: string;
  what: string;
}): AlertRule[] {
  return [
    {
      name: a.failed,
      expr: cronJobFailedExpr(a.namespace, a.cronJob),
      for: "1m",
      severity: "critical",
      summary: `${a.what} Job {{ $labels.job_name }} failed`,
    },
    {
      name: a.stale,
      expr: cronJobStaleExpr(a.namespace, a.cronJob, a.staleHours),
      for: "10m",
      severity: "warning",
      summary: `${a.what} has not succeeded for more than ${a.staleHours}h (or never)`,
    },
  ];
}
