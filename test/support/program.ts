/**
 * Runs the real program (index.ts) under Pulumi mocks with a committed stack's config, optionally
 * patched. `runProgram` sets config and mocks first and only then imports the program dynamically.
 */
import * as path from "path";
import { RecordedResource, RunResult, runProgram } from "../../tools/pulumi-mocks";
import { readStackConfig } from "../../tools/stack-config";

export const ROOT = path.resolve(__dirname, "../..");

export async function runStack(stack: string, patch: (config: Record<string, string>) => void = () => undefined): Promise<RunResult> {
  const files = readStackConfig(ROOT, stack);
  patch(files.config);
  return runProgram({
    project: files.project,
    stack,
    config: files.config,
    secretKeys: files.secretKeys,
    loadProgram: async () => (await import("../../index")).default as () => unknown,
  });
}

/**
 * runStack in a fresh module registry, returning what the mocks recorded: for test files that run
 * several stacks (Pulumi keeps its runtime state in module globals, so each run needs its own).
 */
export async function runStackIsolated(stack: string, patch?: (config: Record<string, string>) => void): Promise<RecordedResource[]> {
  let resources: RecordedResource[] = [];
  await jest.isolateModulesAsync(async () => {
    const fresh = await import("./program");
    resources = (await fresh.runStack(stack, patch)).recorder.resources;
  });
  return resources;
}
