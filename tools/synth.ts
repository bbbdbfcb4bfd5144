/**
 * `npm run synth -- [stack]` (default `homelab`): runs the real program under Pulumi mocks with the
 * stack's config, no network and no Pulumi CLI, and writes out/<stack>/ (contract 1). Invalid
 * config: one `config error: <path>: <reason>` line per problem on stderr, exit 1, nothing written.
 */
import * as fs from "fs";
import * as path from "path";
import { RecordedResource, redactSecrets, resolveAssets, runProgram } from "./pulumi-mocks";
import { StackFileError, readStackConfig } from "./stack-config";
import { ARTIFACT_KINDS, renderArtifacts } from "./synth/artifacts";

export interface SynthResult {
  outDir: string;
  resources: RecordedResource[];
  files: string[];
  placeholders: string[];
}

export class SynthConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(problems.map((p) => `config error: ${p}`).join("\n"));
  }
}

/** Runs the program for `stack` and writes out/<stack>/ below `root`. */
export async function synth(root: string, stack: string): Promise<SynthResult> {
  let files;
  try {
    files = readStackConfig(root, stack);
  } catch (err) {
    if (err instanceof StackFileError) throw new SynthConfigError(err.problems);
    throw err;
  }
  let run;
  try {
    run = await runProgram({
      project: files.project,
      stack,
      config: files.config,
      secretKeys: files.secretKeys,
      loadProgram: async () => (await import(path.join(root, "index"))).default as () => unknown,
    });
  } catch (err) {
    const problems = (err as { problems?: unknown }).problems;
    if (Array.isArray(problems)) throw new SynthConfigError(problems as string[]);
    throw err;
  }

  const resources = await Promise.all(
    run.recorder.resources.map(async (r) => ({ ...r, inputs: redactSecrets(await resolveAssets(r.inputs)) as Record<string, unknown> })),
  );
  const artifacts = renderArtifacts(resources);

  // Render into a sibling temp dir, then swap: a failure never leaves a half-written out/<stack>.
  const outDir = path.join(root, "out", stack);
  const tmpDir = `${outDir}.tmp-${process.pid}`;
  fs.rmSync(tmpDir, { recursive: true, force: true });
  const write = (rel: string, content: string) => {
    const file = path.join(tmpDir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  };
  write("resources.json", `${JSON.stringify(resources.map(({ type, name, parent, inputs }) => ({ type, name, parent: parent ?? null, inputs })), null, 2)}\n`);
  for (const a of artifacts) write(a.path, a.content);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.renameSync(tmpDir, outDir);
  return { outDir, resources, files: ["resources.json", ...artifacts.map((a) => a.path)], placeholders: files.placeholders };
}

/** Human summary: resources by type, then artifacts by kind. */
export function summary(stack: string, result: SynthResult): string {
  const byType = new Map<string, number>();
  for (const r of result.resources) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
  const lines = [`synth ${stack}: ${result.resources.length} resources -> ${path.relative(process.cwd(), result.outDir) || result.outDir}/`];
  for (const [type, n] of [...byType].sort(([a], [b]) => a.localeCompare(b))) lines.push(`  ${String(n).padStart(3)}  ${type}`);
  const kinds = ARTIFACT_KINDS.map((k) => [k.label, result.files.filter((f) => f.startsWith(k.label)).length] as const).filter(([, n]) => n > 0);
  lines.push(`artifacts: resources.json, ${kinds.map(([label, n]) => `${label} ${n}`).join(", ") || "none"}`);
  if (result.placeholders.length > 0) lines.push(`secrets not in the stack file, rendered as [secret]: ${result.placeholders.join(", ")}`);
  return lines.join("\n");
}

async function main(): Promise<void> {
  const stack = process.argv[2] ?? "homelab";
  const root = path.resolve(__dirname, "..");
  try {
    const result = await synth(root, stack);
    console.log(summary(stack, result));
  } catch (err) {
    if (err instanceof SynthConfigError) {
      console.error(err.message);
    } else {
      console.error(`synth failed: ${(err as Error).message}`);
    }
    process.exitCode = 1;
  }
}

if (require.main === module) void main();
