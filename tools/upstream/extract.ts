/**
 * Regenerates the upstream fixtures in test/fixtures/upstream/ from mirrors of the real sources
 * (the search tool's `fetch`, or `git clone`). Nothing here is typed by hand: each fixture is parsed
 * out of the file it cites (repo, tag, commit, path), so a test that holds our names against it
 * holds them against upstream. CI never runs this (no mirrors there); the fixtures are committed.
 *
 *   npx tsx tools/upstream/extract.ts /work/.mirror
 *
 * Mirrors expected under DIR: aminueza+terraform-provider-minio, vmware-tanzu+velero,
 * perfectra1n+volsync, minio+minio, kubernetes+kube-state-metrics (each with a `repo` git dir).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export interface Source { repo: string; tag: string; commit: string; paths: string[] }
/** A metric as an exporter serves it: type, and the labels the exporter itself sets. */
export interface MetricFact { type: string; labels: string[]; endpoint?: string }
export interface MetricFixture { source: Source; metrics: Record<string, MetricFact> }
/** Terraform attribute facts of one resource; nested blocks under `blocks`. */
export interface TfBlock { attributes: Record<string, { required: boolean; optional: boolean; computed: boolean }>; blocks: Record<string, TfBlock> }
export interface TfFixture { source: Source; resources: Record<string, TfBlock> }

const OUT = path.join(__dirname, "..", "..", "test", "fixtures", "upstream");

function git(mirror: string, ...args: string[]): string {
  return execFileSync("git", ["-C", path.join(mirror, "repo"), ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
}
const show = (mirror: string, tag: string, file: string) => git(mirror, "show", `${tag}:${file}`);
const source = (mirror: string, repo: string, tag: string, paths: string[]): Source => ({ repo, tag, commit: git(mirror, "rev-parse", `${tag}^{commit}`).trim(), paths });

/** The text of the balanced `{…}` starting at `open` (index of `{`). */
function balanced(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return text.slice(open + 1, i);
  }
  throw new Error(`unbalanced brace at ${open}`);
}

/** Parses a terraform-plugin-sdk `map[string]*schema.Schema{ "name": { … }, … }` body. */
export function parseTfSchema(body: string): TfBlock {
  const block: TfBlock = { attributes: {}, blocks: {} };
  const re = /"(\w+)":\s*\{/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body))) {
    const inner = balanced(body, m.index + m[0].length - 1);
    re.lastIndex = m.index + m[0].length + inner.length;
    const own = inner.replace(/Elem:\s*&schema\.Resource\{[\s\S]*$/, "");
    const flag = (f: string) => new RegExp(`\\b${f}:\\s*true`).test(own);
    const elem = inner.match(/Elem:\s*&schema\.Resource\{/);
    block.attributes[m[1]] = { required: flag("Required"), optional: flag("Optional"), computed: flag("Computed") };
    if (elem) {
      const res = balanced(inner, inner.indexOf("{", elem.index! + "Elem: &schema.Resource".length));
      const schemaAt = res.search(/Schema:\s*map\[string\]\*schema\.Schema\{/);
      block.blocks[m[1]] = parseTfSchema(balanced(res, res.indexOf("{", res.indexOf("schema.Schema", schemaAt) + 13)));
    }
  }
  return block;
}

function terraformMinio(mirror: string): TfFixture {
  const tag = "v1.20.1";
  const files: Record<string, string> = {
    minio_s3_bucket: "minio/resource_minio_s3_bucket.go",
    minio_s3_bucket_versioning: "minio/resource_minio_s3_bucket_versioning.go",
    minio_ilm_policy: "minio/resource_minio_ilm_policy.go",
    minio_iam_user: "minio/resource_minio_iam_user.go",
    minio_iam_policy: "minio/resource_minio_iam_policy.go",
    minio_iam_user_policy_attachment: "minio/resource_minio_iam_user_policy_attachment.go",
  };
  const resources: Record<string, TfBlock> = {};
  for (const [name, file] of Object.entries(files)) {
    const text = show(mirror, tag, file);
    const at = text.search(/Schema:\s*map\[string\]\*schema\.Schema\{/);
    if (at < 0) throw new Error(`${file}: no Schema map`);
    resources[name] = parseTfSchema(balanced(text, text.indexOf("{", text.indexOf("schema.Schema", at) + 13)));
  }
  return { source: source(mirror, "aminueza/terraform-provider-minio", tag, Object.values(files)), resources };
}

function velero(mirror: string): MetricFixture {
  const tag = "v1.18.1";
  const file = "pkg/metrics/metrics.go";
  const src = show(mirror, tag, file);
  const consts: Record<string, string> = {};
  for (const m of src.matchAll(/^\s+(\w+)\s*=\s*"([^"]+)"/gm)) consts[m[1]] = m[2];
  const metrics: Record<string, MetricFact> = {};
  for (const chunk of src.split(/prometheus\.New(?=\w+\()/).slice(1)) {
    const ns = chunk.match(/Namespace:\s*(\w+)/);
    const nm = chunk.match(/Name:\s*(\w+)/);
    if (!ns || !nm) continue;
    const lab = chunk.match(/\[\]string\{([^}]*)\}/);
    const kind = chunk.slice(0, chunk.indexOf("("));
    metrics[`${consts[ns[1]]}_${consts[nm[1]]}`] = {
      type: /Counter/.test(kind) ? "counter" : /Histogram/.test(kind) ? "histogram" : "gauge",
      labels: lab ? lab[1].split(",").map((s) => s.trim()).filter(Boolean).map((s) => consts[s]) : [],
    };
  }
  return { source: source(mirror, "vmware-tanzu/velero", tag, [file]), metrics };
}

function volsync(mirror: string): MetricFixture {
  const tag = "v0.17.10";
  const files = ["internal/controller/metrics.go", "internal/controller/mover/kopia/metrics.go"];
  const metrics: Record<string, MetricFact> = {};
  for (const file of files) {
    const src = show(mirror, tag, file).replace(/\/\/[^\n]*/g, "");
    const nsConst = Object.fromEntries([...src.matchAll(/^\s+(\w+)\s*=\s*"([^"]+)"/gm)].map((m) => [m[1], m[2]]));
    const labelLists: Record<string, string[]> = {};
    for (const m of src.matchAll(/(\w+)\s*=\s*\[\]string\{([^}]*)\}/g)) labelLists[m[1]] = [...m[2].matchAll(/"(\w+)"/g)].map((x) => x[1]);
    for (const chunk of src.split(/prometheus\.New(?=\w+Vec\()/).slice(1)) {
      const nm = chunk.match(/Name:\s*"(\w+)"/);
      const ns = chunk.match(/Namespace:\s*(\w+)/);
      if (!nm || !ns) continue;
      const opts = chunk.indexOf("Opts{") + 4;
      const after = chunk.slice(opts + balanced(chunk, opts).length + 3);
      const base = after.match(/^\s*(?:append\()?(\w+)/)![1];
      const extra = [...(after.match(/^\s*append\(\w+,\s*([^)]*)\)/)?.[1] ?? "").matchAll(/"(\w+)"/g)].map((x) => x[1]);
      const kind = chunk.slice(0, chunk.indexOf("("));
      metrics[`${nsConst[ns[1]] ?? "volsync"}_${nm[1]}`] = {
        type: /Counter/.test(kind) ? "counter" : /Histogram/.test(kind) ? "histogram" : /Summary/.test(kind) ? "summary" : "gauge",
        labels: [...(labelLists[base] ?? []), ...extra],
      };
    }
  }
  return { source: source(mirror, "perfectra1n/volsync", tag, files), metrics };
}

function minio(mirror: string): MetricFixture {
  const tag = "RELEASE.2025-10-15T17-29-55Z";
  const file = "docs/metrics/prometheus/list.md";
  const text = show(mirror, tag, file);
  const bucketAt = text.indexOf("# Bucket Metrics");
  const metrics: Record<string, MetricFact> = {};
  for (const m of text.matchAll(/^\| `(minio_\w+)`/gm)) {
    const name = m[1];
    const endpoint = m.index! >= bucketAt ? "bucket" : name.startsWith("minio_node_") ? "node" : "cluster";
    // list.md: "Each metric includes the `bucket` label" (bucket section); the others carry `server`.
    metrics[name] = { type: "gauge", labels: endpoint === "bucket" ? ["bucket", "server"] : ["server"], endpoint };
  }
  return { source: source(mirror, "minio/minio", tag, [file]), metrics };
}

function kubeStateMetrics(mirror: string): MetricFixture {
  const tag = "v2.20.0";
  const files = ["docs/metrics/workload/job-metrics.md", "docs/metrics/workload/cronjob-metrics.md", "docs/metrics/workload/deployment-metrics.md"];
  const metrics: Record<string, MetricFact> = {};
  for (const file of files) {
    for (const line of show(mirror, tag, file).split("\n")) {
      const cells = line.split("|").map((c) => c.trim());
      if (!/^kube_\w+$/.test(cells[1] ?? "")) continue;
      const labels = [...cells[4].matchAll(/`(\w+)`=/g)].map((x) => x[1]).filter((l) => !/^(label|annotation)_[A-Z_]+$/.test(l));
      metrics[cells[1]] = { type: cells[2].toLowerCase(), labels };
    }
  }
  return { source: source(mirror, "kubernetes/kube-state-metrics", tag, files), metrics };
}

/** An upstream file copied verbatim, under a header that cites it. */
function verbatim(mirror: string, repo: string, tag: string, file: string): string {
  const src = source(mirror, repo, tag, [file]);
  return `# source: ${repo} ${tag} (${src.commit}) ${file}\n${show(mirror, tag, file)}`;
}

function main(): void {
  const dir = process.argv[2];
  if (!dir) throw new Error("usage: extract.ts MIRROR_DIR");
  fs.mkdirSync(OUT, { recursive: true });
  const write = (name: string, data: unknown) => fs.writeFileSync(path.join(OUT, name), `${JSON.stringify(data, null, 1)}\n`);
  write("terraform-provider-minio.json", terraformMinio(path.join(dir, "aminueza+terraform-provider-minio")));
  write("velero-metrics.json", velero(path.join(dir, "vmware-tanzu+velero")));
  write("volsync-metrics.json", volsync(path.join(dir, "perfectra1n+volsync")));
  fs.writeFileSync(
    path.join(OUT, "volsync-chart-servicemonitor.yaml"),
    verbatim(path.join(dir, "perfectra1n+volsync"), "perfectra1n/volsync", "v0.17.10", "helm/volsync/templates/servicemonitor-volsync.yaml"),
  );
  write("minio-metrics.json", minio(path.join(dir, "minio+minio")));
  write("kube-state-metrics.json", kubeStateMetrics(path.join(dir, "kubernetes+kube-state-metrics")));
}

if (require.main === module) main();
