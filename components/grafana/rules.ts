/**
 * Grafana alert rules built from the same AlertGroups as the PrometheusRules: query A is the
 * Prometheus expression verbatim, on the configured datasource; condition B (`$A == $A`) is true
 * for every series A returns — Prometheus's own firing semantics. An empty result is healthy
 * (noDataState OK): the stale/dead-man expressions already turn a missing metric into a series via
 * absent(), so missing data alerts through the expression itself. A failing query alerts
 * (execErrState Alerting).
 */
import { AlertGroup, runbookUrl } from "../lib/alerts";

export const CONDITION = "$A == $A";

export function grafanaRules(group: AlertGroup, a: { datasourceUid: string; runbookBaseUrl: string; contactPoint?: string }) {
  return group.rules.map((r) => ({
    name: r.name,
    for: r.for,
    condition: "B",
    noDataState: "OK",
    execErrState: "Alerting",
    labels: { severity: r.severity },
    annotations: { summary: r.summary, runbook_url: runbookUrl(a.runbookBaseUrl, r.name) },
    ...(a.contactPoint ? { notificationSettings: { contactPoint: a.contactPoint, groupBies: ["alertname"] } } : {}),
    datas: [
      {
        refId: "A",
        datasourceUid: a.datasourceUid,
        relativeTimeRange: { from: 600, to: 0 },
        model: JSON.stringify({ refId: "A", expr: r.expr, instant: true, datasource: { type: "prometheus", uid: a.datasourceUid } }),
      },
      {
        refId: "B",
        datasourceUid: "__expr__",
        relativeTimeRange: { from: 0, to: 0 },
        model: JSON.stringify({ refId: "B", type: "math", expression: CONDITION, datasource: { type: "__expr__", uid: "__expr__" } }),
      },
    ],
  }));
}
