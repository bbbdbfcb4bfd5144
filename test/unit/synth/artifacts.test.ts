/** Each artifact kind of contract 1 renders from recorded (secret-redacted) inputs. */
import * as YAML from "yaml";
import { RecordedResource, redactSecrets } from "../../../tools/pulumi-mocks";
import { kubernetesObjectPath, renderArtifacts } from "../../../tools/synth/artifacts";
import * as pulumi from "@pulumi/pulumi";

const rec = (type: string, name: string, inputs: Record<string, unknown>): RecordedResource => ({ type, name, custom: true, read: false, dependsOn: [], inputs });
const secret = (value: unknown) => ({ [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value });

describe("artifact rendering", () => {
  it("writes Kubernetes objects as k8s/<namespace>.<Kind>.<name>.yaml, cluster-scoped under _cluster", () => {
    const cm = rec("kubernetes:core/v1:ConfigMap", "pg-scripts", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "pg-scripts-abc", namespace: "apps" }, data: { "a.txt": "x" } });
    const ns = rec("kubernetes:core/v1:Namespace", "velero-ns", { apiVersion: "v1", kind: "Namespace", metadata: { name: "velero" } });
    expect(kubernetesObjectPath(cm)).toBe("k8s/apps.ConfigMap.pg-scripts-abc.yaml");
    expect(kubernetesObjectPath(ns)).toBe("k8s/_cluster.Namespace.velero.yaml");
    const files = renderArtifacts([cm, ns]);
    expect(YAML.parse(files[0].content)).toEqual(cm.inputs);
  });

  it("writes every .sh key of a ConfigMap to scripts/ exactly as deployed", () => {
    const script = "#!/usr/bin/env bash\nset -euo pipefail\necho 'hi'\n";
    const files = renderArtifacts([
      rec("kubernetes:core/v1:ConfigMap", "s", { kind: "ConfigMap", metadata: { name: "s", namespace: "apps" }, data: { "pg-backup.sh": script, "notes.txt": "n" } }),
    ]);
    expect(files.find((f) => f.path === "scripts/pg-backup.sh")?.content).toBe(script);
    expect(files.map((f) => f.path)).not.toContain("scripts/notes.txt");
  });

  it("writes a Helm release's values with chart, version and repo in a header, and no k8s/ file for it", () => {
    const files = renderArtifacts([
      rec("kubernetes:helm.sh/v3:Release", "velero", {
        name: "velero", chart: "velero", version: "12.1.0", repositoryOpts: { repo: "https://vmware-tanzu.github.io/helm-charts" },
        values: { deployNodeAgent: true },
      }),
    ]);
    expect(files).toEqual([{
      path: "helm/velero.values.yaml",
      content: "# chart: velero  version: 12.1.0  repo: https://vmware-tanzu.github.io/helm-charts\ndeployNodeAgent: true\n",
    }]);
  });

  it("writes a PrometheusRule's spec as a plain rule file", () => {
    const spec = { groups: [{ name: "backups", rules: [{ alert: "PostgresBackupFailed", expr: "up == 0" }] }] };
    const files = renderArtifacts([
      rec("kubernetes:monitoring.coreos.com/v1:PrometheusRule", "r", { kind: "PrometheusRule", metadata: { name: "backup-alerts", namespace: "monitoring" }, spec }),
    ]);
    expect(files.find((f) => f.path === "prometheus/backup-alerts.rules.yaml")?.content).toBe(YAML.stringify(spec));
    expect(files.map((f) => f.path)).toContain("k8s/monitoring.PrometheusRule.backup-alerts.yaml");
  });

  it("writes Grafana dashboards by uid and rule groups by name", () => {
    const files = renderArtifacts([
      rec("grafana:oss/dashboard:Dashboard", "d", { configJson: JSON.stringify({ uid: "backup-overview", title: "Backups" }) }),
      rec("grafana:alerting/ruleGroup:RuleGroup", "g", { name: "backups", intervalSeconds: 60 }),
    ]);
    expect(files.map((f) => f.path)).toEqual(["grafana/dashboards/backup-overview.json", "grafana/rules/backups.json"]);
    expect(JSON.parse(files[0].content)).toEqual({ uid: "backup-overview", title: "Backups" });
  });

  it("writes MinIO policies as pretty JSON documents", () => {
    const doc = { Version: "2012-10-17", Statement: [] };
    const files = renderArtifacts([rec("minio:index/iamPolicy:IamPolicy", "p", { name: "w-write", policy: JSON.stringify(doc) })]);
    expect(files).toEqual([{ path: "minio/policies/w-write.json", content: `${JSON.stringify(doc, null, 2)}\n` }]);
  });

  it("refuses two resources that would write different contents to one artifact, and writes identical ones once", () => {
    const p = rec("minio:index/iamPolicy:IamPolicy", "p", { name: "same", policy: "{}" });
    expect(() => renderArtifacts([p, { ...p, name: "q", inputs: { name: "same", policy: '{"a":1}' } }])).toThrow(
      "two resources render different contents to the same artifact path: minio/policies/same.json",
    );
    expect(renderArtifacts([p, { ...p, name: "q" }])).toHaveLength(1);
  });

  it("writes units and scripts pushed to nodes to systemd/ and scripts/", () => {
    const push = (name: string, file: string, text: string) => rec("command:remote:CopyToRemote", name, { remotePath: `.staging/${file}`, source: { asset: { text } } });
    const files = renderArtifacts([push("a", "etcd-offload.service", "[Service]\n"), push("b", "etcd-offload.service", "[Service]\n"), push("c", "install.sh", "#!/bin/bash\n")]);
    expect(files).toEqual([
      { path: "systemd/etcd-offload.service", content: "[Service]\n" },
      { path: "scripts/install.sh", content: "#!/bin/bash\n" },
    ]);
  });

  it("redacts secrets at any depth before rendering", () => {
    const inputs = redactSecrets({ kind: "Secret", metadata: { name: "s", namespace: "apps" }, stringData: secret({ key: "hunter2" }), list: [secret("x"), "y"] });
    expect(inputs).toEqual({ kind: "Secret", metadata: { name: "s", namespace: "apps" }, stringData: "[secret]", list: ["[secret]", "y"] });
    const files = renderArtifacts([rec("kubernetes:core/v1:Secret", "s", inputs as Record<string, unknown>)]);
    expect(files[0].content).not.toContain("hunter2");
  });
});
