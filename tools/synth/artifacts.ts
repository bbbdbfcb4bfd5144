/**
 * What the synth writes besides resources.json (contract 1). One entry per kind of artifact: a
 * resource type test and a renderer from the (secret-redacted) recorded inputs to files. Adding a
 * new kind of artifact is one more entry in {@link ARTIFACT_KINDS}.
 */
import * as YAML from "yaml";
import { RecordedResource } from "../pulumi-mocks";

export interface ArtifactFile {
  /** Path below out/<stack>/. */
  path: string;
  content: string;
}

export interface ArtifactKind {
  /** Directory (or file prefix) it writes, for the summary. */
  label: string;
  matches: (r: RecordedResource) => boolean;
  render: (r: RecordedResource) => ArtifactFile[];
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null ? (v as Obj) : {});
const yaml = (v: unknown): string => YAML.stringify(v, { lineWidth: 0 });
const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;

/** Kinds that have no namespace (written as `_cluster.<Kind>.<name>.yaml`). */
export const CLUSTER_SCOPED_KINDS = new Set([
  "Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PersistentVolume",
  "StorageClass", "PriorityClass", "VolumeSnapshotClass", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
]);

const NOT_OBJECTS = new Set(["kubernetes:helm.sh/v3:Release", "kubernetes:yaml/v2:ConfigGroup", "kubernetes:yaml/v2:ConfigFile"]);

function isKubernetesObject(r: RecordedResource): boolean {
  return r.custom && !r.read && r.type.startsWith("kubernetes:") && !NOT_OBJECTS.has(r.type);
}

/** `k8s/<namespace>.<Kind>.<name>.yaml` for one Kubernetes object. */
export function kubernetesObjectPath(r: RecordedResource): string {
  const meta = obj(r.inputs.metadata);
  const kind = String(r.inputs.kind ?? r.type.split(":").pop());
  const ns = meta.namespace ? String(meta.namespace) : CLUSTER_SCOPED_KINDS.has(kind) ? "_cluster" : "default";
  return `k8s/${ns}.${kind}.${String(meta.name ?? r.name)}.yaml`;
}

/** Files pushed to nodes over SSH (command:remote:CopyToRemote with a resolved StringAsset). */
const isPush = (r: RecordedResource): boolean => r.type === "command:remote:CopyToRemote";
const pushedName = (r: RecordedResource): string => String(r.inputs.remotePath ?? "").split("/").pop() ?? "";
const pushedText = (r: RecordedResource): string => String(obj(obj(r.inputs.source).asset).text ?? "");

export const ARTIFACT_KINDS: ArtifactKind[] = [
  {
    label: "k8s/",
    matches: isKubernetesObject,
    render: (r) => [{ path: kubernetesObjectPath(r), content: yaml(r.inputs) }],
  },
  {
    label: "helm/",
    matches: (r) => r.type === "kubernetes:helm.sh/v3:Release",
    render: (r) => {
      const repo = obj(r.inputs.repositoryOpts).repo ?? "";
      const header = `# chart: ${String(r.inputs.chart)}  version: ${String(r.inputs.version)}  repo: ${String(repo)}\n`;
      return [{ path: `helm/${String(r.inputs.name ?? r.name)}.values.yaml`, content: header + yaml(r.inputs.values ?? {}) }];
    },
  },
  {
    label: "prometheus/",
    matches: (r) => r.type === "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
    render: (r) => [{ path: `prometheus/${String(obj(r.inputs.metadata).name ?? r.name)}.rules.yaml`, content: yaml(r.inputs.spec) }],
  },
  {
    label: "scripts/",
    matches: (r) => r.type === "kubernetes:core/v1:ConfigMap" || (isPush(r) && pushedName(r).endsWith(".sh")),
    render: (r) =>
      isPush(r)
        ? [{ path: `scripts/${pushedName(r)}`, content: pushedText(r) }]
        : Object.entries(obj(r.inputs.data))
            .filter(([key]) => key.endsWith(".sh"))
            .map(([key, content]) => ({ path: `scripts/${key}`, content: String(content) })),
  },
  {
    label: "systemd/",
    matches: (r) => isPush(r) && /\.(service|timer)$/.test(pushedName(r)),
    render: (r) => [{ path: `systemd/${pushedName(r)}`, content: pushedText(r) }],
  },
  {
    label: "grafana/dashboards/",
    matches: (r) => r.type === "grafana:oss/dashboard:Dashboard",
    render: (r) => {
      const model = JSON.parse(String(r.inputs.configJson)) as Obj;
      return [{ path: `grafana/dashboards/${String(model.uid ?? r.name)}.json`, content: json(model) }];
    },
  },
  {
    label: "grafana/rules/",
    matches: (r) => r.type === "grafana:alerting/ruleGroup:RuleGroup",
    render: (r) => [{ path: `grafana/rules/${String(r.inputs.name ?? r.name)}.json`, content: json(r.inputs) }],
  },
  {
    label: "minio/policies/",
    matches: (r) => r.type === "minio:index/iamPolicy:IamPolicy",
    render: (r) => [{ path: `minio/policies/${String(r.inputs.name ?? r.name)}.json`, content: json(JSON.parse(String(r.inputs.policy))) }],
  },
];

/** Every artifact file of a run (inputs must already be secret-redacted). */
export function renderArtifacts(resources: RecordedResource[]): ArtifactFile[] {
  const files: ArtifactFile[] = [];
  for (const r of resources) {
    for (const kind of ARTIFACT_KINDS) if (kind.matches(r)) files.push(...kind.render(r));
  }
  // The same file from several resources (one unit pushed to every node, a library shipped with
  // several scripts) is written once; different contents for one path are an error.
  const byPath = new Map<string, ArtifactFile>();
  const clashes = new Set<string>();
  for (const f of files) {
    const seen = byPath.get(f.path);
    if (seen && seen.content !== f.content) clashes.add(f.path);
    byPath.set(f.path, f);
  }
  if (clashes.size > 0) throw new Error(`two resources render different contents to the same artifact path: ${[...clashes].join(", ")}`);
  return [...byPath.values()];
}
