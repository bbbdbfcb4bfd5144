/**
 * What the exporters really serve, from the fixtures in test/fixtures/upstream/ (each parsed out of
 * the upstream file it cites by tools/upstream/extract.ts), and a PromQL reader built on
 * Prometheus's own grammar (@prometheus-io/lezer-promql) that lists the metric and label names an
 * expression relies on.
 */
import * as fs from "fs";
import * as path from "path";
import { parser } from "@prometheus-io/lezer-promql";
import type { MetricFact, MetricFixture, TfFixture } from "../../tools/upstream/extract";
import { HUB_METRICS } from "../../components/hub-status/metrics";

export const FIXTURES = path.resolve(__dirname, "../fixtures/upstream");
const read = <T>(file: string): T => JSON.parse(fs.readFileSync(path.join(FIXTURES, file), "utf8")) as T;

export const METRIC_FIXTURES = ["velero-metrics.json", "minio-metrics.json", "kube-state-metrics.json", "volsync-metrics.json"];
export const metricFixture = (file: string): MetricFixture => read<MetricFixture>(file);
export const terraformMinio = (): TfFixture => read<TfFixture>("terraform-provider-minio.json");

/** Metrics this project or Prometheus itself makes (no upstream exporter): where each comes from. */
export const OWN_METRICS: Record<string, MetricFact & { madeBy: string }> = {
  up: { type: "gauge", labels: [], madeBy: "Prometheus, one per scrape target" },
  etcd_offload_last_success_timestamp_seconds: { type: "gauge", labels: ["node"], madeBy: "components/etcd-offload/etcd-offload.sh (textfile)" },
  ...Object.fromEntries(Object.entries(HUB_METRICS).map(([name, m]) => [name, { type: "gauge", labels: m.labels, madeBy: "components/hub-status/hub-exporter.sh (facts.jq)" }])),
};

/**
 * Labels Prometheus attaches to every series of a ServiceMonitor target (prometheus-operator's
 * defaults), plus the ones our ServiceMonitors add by relabeling (`minio_metrics`).
 */
export const TARGET_LABELS = ["job", "instance", "namespace", "service", "endpoint", "pod", "container", "minio_metrics"];

/** Every known metric: name → its labels (exporter's own plus target labels). */
export function knownMetrics(): Map<string, Set<string>> {
  const all = new Map<string, Set<string>>();
  const add = (name: string, fact: MetricFact) => all.set(name, new Set([...fact.labels, ...TARGET_LABELS]));
  for (const file of METRIC_FIXTURES) {
    for (const [name, fact] of Object.entries(metricFixture(file).metrics)) {
      add(name, fact);
      if (fact.type === "histogram") for (const s of ["_bucket", "_sum", "_count"]) add(`${name}${s}`, { ...fact, labels: [...fact.labels, ...(s === "_bucket" ? ["le"] : [])] });
      if (fact.type === "summary") for (const s of ["_sum", "_count"]) add(`${name}${s}`, fact);
    }
  }
  for (const [name, fact] of Object.entries(OWN_METRICS)) add(name, fact);
  return all;
}

export interface Selector { metric: string; labels: string[] }
export interface PromqlNames { selectors: Selector[]; grouping: string[]; errors: string[] }

/** The vector selectors (metric + matcher labels) and grouping labels (by/without/on/ignoring/group_*) of `expr`. */
export function promqlNames(expr: string): PromqlNames {
  const out: PromqlNames = { selectors: [], grouping: [], errors: [] };
  const text = (n: { from: number; to: number }) => expr.slice(n.from, n.to);
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) out.errors.push(`syntax error at ${node.from}: ${JSON.stringify(expr.slice(node.from, node.from + 20))}`);
      if (node.name === "VectorSelector") {
        const id = node.node.getChild("Identifier");
        const labels = node.node.getChild("LabelMatchers")?.getChildren("UnquotedLabelMatcher").map((m) => text(m.getChild("LabelName")!)) ?? [];
        out.selectors.push({ metric: id ? text(id) : "", labels });
      }
      if (node.name === "GroupingLabels") out.grouping.push(...node.node.getChildren("LabelName").map(text));
    },
  });
  return out;
}

/** Problems with `expr` against what the exporters serve: unknown metrics and labels, syntax errors. */
export function unknownNames(expr: string, known = knownMetrics()): string[] {
  const names = promqlNames(expr);
  const problems = [...names.errors];
  const usable = new Set<string>(TARGET_LABELS);
  for (const s of names.selectors) {
    const labels = known.get(s.metric);
    if (!labels) {
      problems.push(`unknown metric ${s.metric || "(none)"}`);
      continue;
    }
    labels.forEach((l) => usable.add(l));
    for (const l of s.labels) if (!labels.has(l)) problems.push(`${s.metric} has no label ${l}`);
  }
  for (const l of names.grouping) if (!usable.has(l)) problems.push(`no metric in the expression has label ${l}`);
  return problems;
}
