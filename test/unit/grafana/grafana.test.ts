/**
 * Grafana in homelab under mocks: the folder, the three dashboards (ids unique, no overlapping
 * panels, every query on the configured datasource and valid PromQL per promtool), and the rule
 * groups whose every expression equals its PrometheusRule twin, with noDataState/execErrState set.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { CONDITION } from "../../../components/grafana/rules";
import { RunResult, revealSecrets } from "../../../tools/pulumi-mocks";
import { run, tempDir } from "../../support/proc";
import { runStack } from "../../support/program";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let result: RunResult;
beforeAll(async () => {
  result = await runStack("homelab", (c) => {
    c["homelab-backups:grafana"] = JSON.stringify({ url: "http://grafana.monitoring.svc.cluster.local", datasourceUid: "prom-main", contactEmails: ["ops@example.org"] });
  });
});

const dashboards = () => result.recorder.byType("grafana:oss/dashboard:Dashboard").map((d) => JSON.parse(d.inputs.configJson as string) as Obj);
const ruleGroups = () => result.recorder.byType("grafana:alerting/ruleGroup:RuleGroup").map((g) => revealSecrets(g.inputs) as Obj);
const prometheusRules = () => result.recorder.byType("kubernetes:monitoring.coreos.com/v1:PrometheusRule")
  .flatMap((r) => (r.inputs.spec as Obj).groups.flatMap((g: Obj) => g.rules.map((rule: Obj) => ({ group: g.name, ...rule }))));

/** promtool reports an unparsable expression; a rule file with each as a recording rule checks them all. */
function promqlProblems(exprs: string[]): string {
  const file = path.join(tempDir("promql"), "queries.rules.yaml");
  fs.writeFileSync(file, YAML.stringify({ groups: [{ name: "queries", rules: exprs.map((expr, i) => ({ record: `query:${i}`, expr })) }] }));
  const res = run("promtool", ["check", "rules", file]);
  return res.status === 0 ? "" : `${res.stdout}${res.stderr}`;
}

describe("Grafana dashboards", () => {
  it("lives in a Backups folder, with the Velero, MinIO and Backup overview dashboards", () => {
    expect(result.recorder.one("grafana:oss/folder:Folder", "grafana-folder").inputs).toMatchObject({ title: "Backups", uid: "homelab-backups" });
    expect(dashboards().map((d) => d.title).sort()).toEqual(["Backup overview", "MinIO hub", "Velero"]);
    for (const d of result.recorder.byType("grafana:oss/dashboard:Dashboard")) expect(d.inputs.folder).toBe("homelab-backups");
  });

  it("has unique panel ids and no overlapping panels within the 24-column grid", () => {
    for (const d of dashboards()) {
      const ids = d.panels.map((p: Obj) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      const cells = new Set<string>();
      for (const p of d.panels) {
        const { x, y, w, h } = p.gridPos;
        expect(x + w).toBeLessThanOrEqual(24);
        for (let i = x; i < x + w; i++) for (let j = y; j < y + h; j++) {
          expect(cells.has(`${i},${j}`)).toBe(false);
          cells.add(`${i},${j}`);
        }
      }
    }
  });

  it("queries only the configured datasource, with valid PromQL", () => {
    const targets = dashboards().flatMap((d) => d.panels.flatMap((p: Obj) => p.targets.map((t: Obj) => ({ panel: p, t }))));
    expect(targets.length).toBeGreaterThan(15);
    for (const { panel, t } of targets) {
      expect(panel.datasource.uid).toBe("prom-main");
      expect(t.datasource.uid).toBe("prom-main");
    }
    expect(promqlProblems(targets.map(({ t }) => t.expr))).toBe("");
  });

  it("has one overview row per enabled path", () => {
    const titles = dashboards().find((d) => d.title === "Backup overview")?.panels.map((p: Obj) => p.title) ?? [];
    for (const prefix of ["Velero:", "Postgres backup:", "Postgres restore drill (recovery time):", "RGW mirror:", "etcd offload:"]) {
      expect(titles.some((t: string) => t.startsWith(prefix))).toBe(true);
    }
    expect(titles.some((t: string) => t.startsWith("Volsync"))).toBe(false);
  });

  it("the PromQL check itself rejects a broken query", () => {
    expect(promqlProblems(["sum(rate(up[5m])"])).toContain("parse error");
  });
});

describe("Grafana alert rules", () => {
  it("exist per path group, in the folder, one per PrometheusRule alert, with the same expression", () => {
    const prom = prometheusRules();
    const grafanaRules = ruleGroups().flatMap((g) => g.rules.map((r: Obj) => ({ group: g.name, folderUid: g.folderUid, ...r })));
    expect(grafanaRules.map((r) => r.name).sort()).toEqual(prom.map((r) => r.alert).sort());
    for (const rule of grafanaRules) {
      const twin = prom.find((p) => p.alert === rule.name) as Obj;
      const query = JSON.parse(rule.datas.find((d: Obj) => d.refId === "A").model);
      expect([rule.name, rule.group, query.expr]).toEqual([rule.name, twin.group, twin.expr]);
      expect(rule.folderUid).toBe("homelab-backups");
      expect([rule.for, rule.labels, rule.annotations]).toEqual([twin.for, twin.labels, twin.annotations]);
    }
  });

  it("query the configured datasource and fire on every returned series; query errors alert, empty results are healthy", () => {
    for (const g of ruleGroups()) {
      for (const r of g.rules) {
        expect(r.datas[0].datasourceUid).toBe("prom-main");
        expect(JSON.parse(r.datas[1].model)).toMatchObject({ type: "math", expression: CONDITION });
        expect(r.condition).toBe("B");
        expect([r.noDataState, r.execErrState]).toEqual(["OK", "Alerting"]);
      }
    }
  });

  it("route to the optional e-mail contact point", () => {
    expect(result.recorder.one("grafana:alerting/contactPoint:ContactPoint", "grafana-contact").inputs).toMatchObject({ emails: [{ addresses: ["ops@example.org"] }] });
    for (const g of ruleGroups()) for (const r of g.rules) expect(r.notificationSettings).toMatchObject({ contactPoint: "homelab-backups" });
  });
});
