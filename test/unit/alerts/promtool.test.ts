/**
 * The PrometheusRules of both stacks, as the synth writes them, pass `promtool check rules`; and
 * `promtool test rules` proves each contract-4 alert fires with its documented labels, stays silent
 * on healthy series, and (stale/dead-man alerts) fires when the metric never existed.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { RecordedResource } from "../../../tools/pulumi-mocks";
import { run, tempDir } from "../../support/proc";
import { AlertCases, CASE_ALIASES, CONTRACT_ALERTS, Case, EXTENDED_ALERTS, alertCases } from "./cases";
import { runStackIsolated } from "../../support/program";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const runs = new Map<string, RecordedResource[]>();

beforeAll(async () => {
  for (const stack of ["homelab", "garage"]) runs.set(stack, await runStackIsolated(stack));
}, 60_000);

/** Rule files exactly as the synth writes them: each PrometheusRule's spec. */
function ruleFiles(stack: string): string[] {
  const dir = tempDir(`rules-${stack}`);
  return (runs.get(stack) ?? [])
    .filter((r) => r.type === "kubernetes:monitoring.coreos.com/v1:PrometheusRule")
    .map((r) => {
      const file = path.join(dir, `${(r.inputs.metadata as Obj).name}.rules.yaml`);
      fs.writeFileSync(file, YAML.stringify(r.inputs.spec));
      return file;
    });
}

/**
 * The one rule file (a path's group) that holds `alert`: promtool evaluates every rule of every file
 * it is given at each step, so a case gets only its own file (the others cannot change its result).
 */
function fileOf(stack: string, alert: string): string[] {
  const files = ruleFiles(stack).filter((f) => YAML.parse(fs.readFileSync(f, "utf8")).groups.some((g: Obj) => g.rules.some((r: Obj) => r.alert === alert)));
  expect(files).toHaveLength(1);
  return files;
}

function rulesOf(stack: string): Obj[] {
  return ruleFiles(stack).flatMap((f) => YAML.parse(fs.readFileSync(f, "utf8")).groups.flatMap((g: Obj) => g.rules));
}

function render(template: string, labels: Record<string, string>, value?: string): string {
  return template.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, k) => labels[k] ?? "").replace(/\{\{ \$value \| humanize \}\}/g, value ?? "");
}

/** One promtool test block for a case of an alert. */
function testBlock(rule: Obj, c: Case): Obj {
  const expected = c.labels === undefined ? [] : [c.labels, ...(c.more ?? [])].map((labels) => ({
    exp_labels: { ...labels, severity: rule.labels.severity },
    exp_annotations: { summary: render(rule.annotations.summary, labels, c.value), runbook_url: rule.annotations.runbook_url },
  }));
  return { interval: "1m", input_series: c.series, alert_rule_test: [{ eval_time: c.at, alertname: rule.alert, exp_alerts: expected }] };
}

function promtoolTest(files: string[], rule: Obj, c: Case): { status: number | null; output: string } {
  const dir = tempDir("promtool-test");
  const testFile = path.join(dir, "test.yaml");
  fs.writeFileSync(testFile, YAML.stringify({ rule_files: files, evaluation_interval: "1m", tests: [testBlock(rule, c)] }));
  const res = run("promtool", ["test", "rules", testFile]);
  return { status: res.status, output: `${res.stdout}${res.stderr}` };
}

describe.each(["homelab", "garage"])("stack %s rule files", (stack) => {
  it("pass promtool check rules", () => {
    const files = ruleFiles(stack);
    expect(files.length).toBeGreaterThan(2);
    const res = run("promtool", ["check", "rules", ...files]);
    expect(`${res.stdout}${res.stderr}`).not.toContain("FAILED");
    expect(res.status).toBe(0);
  });

  it("give every alert a severity, a summary and a runbook_url into docs/runbook.md", () => {
    for (const rule of rulesOf(stack)) {
      expect([rule.alert, Object.keys(rule.labels), Object.keys(rule.annotations).sort()]).toEqual([rule.alert, ["severity"], ["runbook_url", "summary"]]);
      expect(rule.annotations.runbook_url).toMatch(new RegExp(`/docs/runbook\\.md#${rule.alert.toLowerCase()}$`));
    }
  });
});

describe("contract-4 alerts", () => {
  const all = () => [...rulesOf("homelab"), ...rulesOf("garage")];
  it("all exist across the two stacks (homelab has every path but Volsync, garage has Volsync)", () => {
    expect([...new Set(all().map((r) => r.alert))].sort()).toEqual([...CONTRACT_ALERTS, ...EXTENDED_ALERTS].sort());
  });

  const table = (stack: string, apps: string, keys: string[]) => keys.flatMap((key) => {
    const cases: AlertCases = alertCases(apps)[key];
    const name = CASE_ALIASES[key] ?? key;
    const tag = key === name ? "" : ` [${key}]`;
    return [
      { stack, name, kind: `fires with its labels${tag}`, c: cases.firing },
      { stack, name, kind: `stays silent on healthy series${tag}`, c: cases.silent },
      ...(cases.never ? [{ stack, name, kind: `fires when the metric never existed${tag}`, c: cases.never }] : []),
    ];
  });
  const volsyncOnly = (key: string) => /^(Volsync|Kopia)/.test(key);
  const keys = Object.keys(alertCases("apps"));
  const homelab = keys.filter((k) => !volsyncOnly(k));
  const garage = keys.filter(volsyncOnly);

  it("every alert has cases (and every case set names an alert)", () => {
    expect([...new Set(keys.map((k) => CASE_ALIASES[k] ?? k))].sort()).toEqual([...CONTRACT_ALERTS, ...EXTENDED_ALERTS].sort());
  });

  it.each([...table("homelab", "apps", homelab), ...table("garage", "home", garage)])("$name $kind ($stack)", ({ stack, name, c }) => {
    const rule = rulesOf(stack).find((r) => r.alert === name) as Obj;
    expect(rule).toBeDefined();
    const res = promtoolTest(fileOf(stack, name), rule, c);
    expect(res.output).toContain("SUCCESS");
    expect(res.status).toBe(0);
  });

  it("the harness catches a wrong expectation (a firing case claimed silent fails promtool)", () => {
    const rule = rulesOf("homelab").find((r) => r.alert === "PostgresBackupFailed") as Obj;
    const res = promtoolTest(fileOf("homelab", "PostgresBackupFailed"), rule, { ...alertCases("apps").PostgresBackupFailed.firing, labels: undefined });
    expect(res.status).not.toBe(0);
    expect(res.output).toContain("FAILED");
  });
});
