/**
 * Every metric and label name our alert rules, Grafana rules, dashboards and promtool cases use is
 * one the exporters really serve, as read from their sources at the pinned versions
 * (test/fixtures/upstream/*.json, each citing repo, tag, commit and file). An alert on a metric that
 * never existed (round 1's `velero_backup_storage_location_available`) fails here.
 */
import * as fs from "fs";
import * as path from "path";
import { RecordedResource, revealSecrets } from "../../../tools/pulumi-mocks";
import { runStackIsolated } from "../../support/program";
import { FIXTURES, METRIC_FIXTURES, OWN_METRICS, knownMetrics, metricFixture, promqlNames, unknownNames } from "../../support/upstream";
import { alertCases } from "./cases";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const runs = new Map<string, RecordedResource[]>();

beforeAll(async () => {
  for (const stack of ["homelab", "garage"]) {
    runs.set(stack, await runStackIsolated(stack, (c) => {
      // Grafana on in both stacks, so its dashboards and rules are checked too.
      c["homelab-backups:grafana"] = JSON.stringify({ url: "http://grafana.example", datasourceUid: "prom" });
      c["homelab-backups:grafanaAuth"] = "admin:placeholder";
    }));
  }
}, 60_000);

function expressions(stack: string): { where: string; expr: string }[] {
  const rs = runs.get(stack) ?? [];
  const rules = rs.filter((r) => r.type === "kubernetes:monitoring.coreos.com/v1:PrometheusRule")
    .flatMap((r) => (r.inputs.spec as Obj).groups.flatMap((g: Obj) => g.rules.map((x: Obj) => ({ where: `rule ${x.alert}`, expr: x.expr as string }))));
  const panels = rs.filter((r) => r.type === "grafana:oss/dashboard:Dashboard")
    .flatMap((d) => (JSON.parse(d.inputs.configJson as string) as Obj).panels.flatMap((p: Obj) => p.targets.map((t: Obj) => ({ where: `panel ${p.title}`, expr: t.expr as string }))));
  const grafanaRules = rs.filter((r) => r.type === "grafana:alerting/ruleGroup:RuleGroup")
    .flatMap((g) => ((revealSecrets(g.inputs) as Obj).rules as Obj[]).map((x) => ({ where: `grafana rule ${x.name}`, expr: JSON.parse(x.datas[0].model).expr as string })));
  return [...rules, ...panels, ...grafanaRules];
}

describe("upstream fixtures", () => {
  it.each(METRIC_FIXTURES)("%s names its source repo, tag, commit and file, and holds metrics", (file) => {
    const { source, metrics } = metricFixture(file);
    expect(source.repo).toMatch(/^[\w.-]+\/[\w.-]+$/);
    expect(source.tag).not.toBe("");
    expect(source.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(source.paths.length).toBeGreaterThan(0);
    expect(Object.keys(metrics).length).toBeGreaterThan(5);
  });

  it("hold the facts issue #10 is about (and not the names round 1 guessed)", () => {
    const known = knownMetrics();
    expect([...known.get("velero_backup_location_status_gauge")!]).toContain("backup_location_name");
    expect(known.has("velero_backup_storage_location_available")).toBe(false);
    expect(known.has("velero_backup_validation_failure_total")).toBe(true);
    expect(metricFixture("minio-metrics.json").metrics.minio_bucket_usage_total_bytes.endpoint).toBe("bucket");
    expect([...known.get("volsync_kopia_operation_failure_total")!]).toEqual(expect.arrayContaining(["obj_name", "obj_namespace", "role", "operation", "failure_reason"]));
    expect([...known.get("kube_cronjob_status_last_successful_time")!]).toContain("cronjob");
  });

  it("each of our own metrics is written by the file its entry names (the textfile metric, the hub exporter's)", () => {
    for (const [name, fact] of Object.entries(OWN_METRICS).filter(([n]) => n !== "up")) {
      const file = /^(components\/\S+)/.exec(fact.madeBy)?.[1] as string;
      const text = fs.readFileSync(path.resolve(FIXTURES, "../../..", file), "utf8");
      // the hub exporter's names are rendered by facts.jq, which hub-exporter.sh runs
      const source = file.endsWith("hub-exporter.sh") ? fs.readFileSync(path.resolve(FIXTURES, "../../../components/hub-status/facts.jq"), "utf8") : text;
      expect(`${name} in ${file}: ${source.includes(name)}`).toBe(`${name} in ${file}: true`);
    }
  });
});

describe("PromQL reader", () => {
  it("finds metrics, matcher labels and grouping labels", () => {
    expect(promqlNames('max by (a) (x{b="1"} * on (c) group_left (d) y) or absent(z)')).toEqual({
      selectors: [{ metric: "x", labels: ["b"] }, { metric: "y", labels: [] }, { metric: "z", labels: [] }],
      grouping: ["a", "c", "d"],
      errors: [],
    });
  });

  it("reports a guessed metric, a wrong label and a syntax error", () => {
    expect(unknownNames("max by (backup_storage_location) (velero_backup_storage_location_available) == 0")).toEqual([
      "unknown metric velero_backup_storage_location_available",
      "no metric in the expression has label backup_storage_location",
    ]);
    expect(unknownNames('velero_backup_location_status_gauge{schedule="x"}')).toEqual(["velero_backup_location_status_gauge has no label schedule"]);
    expect(unknownNames("sum(rate(velero_backup_failure_total[5m])")[0]).toMatch(/^syntax error/);
  });
});

describe.each(["homelab", "garage"])("stack %s", (stack) => {
  it("every rule, Grafana rule and dashboard query uses only metrics and labels the exporters serve", () => {
    const exprs = expressions(stack);
    expect(exprs.filter((e) => e.where.startsWith("rule")).length).toBeGreaterThan(8);
    expect(exprs.filter((e) => e.where.startsWith("panel")).length).toBeGreaterThan(8);
    expect(exprs.filter((e) => e.where.startsWith("grafana rule")).length).toBeGreaterThan(8);
    const problems = exprs.flatMap((e) => unknownNames(e.expr).map((p) => `${e.where}: ${p}`));
    expect(problems).toEqual([]);
  });
});

describe("promtool cases", () => {
  it("feed only series the exporters serve, with their real labels", () => {
    const cases = alertCases("apps");
    const series = Object.entries(cases).flatMap(([name, c]) => [c.firing, c.silent, ...(c.never ? [c.never] : [])]
      .flatMap((x) => x.series.map((s) => ({ name, series: s.series }))));
    expect(series.length).toBeGreaterThan(30);
    expect(series.flatMap((s) => unknownNames(s.series).map((p) => `${s.name}: ${p}`))).toEqual([]);
  });
});
