/**
 * Runs the real program (index.ts) under Pulumi mocks with a committed stack's config, optionally
 * patched. `runProgram` sets config and mocks first and only then imports the program dynamically.
 */
import * as path from "path";
import { RunResult, runProgram } from "../../tools/pulumi-mocks";
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
