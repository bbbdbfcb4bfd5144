/**
 * synth: wall time of `npm run synth -- homelab` (goal < 3 s), against the floor of starting the
 * same TypeScript runner with an empty program (ratio = synth / floor), measured in one run.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const TSX = path.join(ROOT, "node_modules/.bin/tsx");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number): number => Math.round(x);

function timeRuns(label: string, args: string[]): number[] {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const res = spawnSync(TSX, args, { cwd: ROOT, encoding: "utf8" });
    if (res.status !== 0) throw new Error(`${label} failed: ${res.stderr}`);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times;
}

export function benchSynth(): Record<string, unknown> {
  const emptyProgram = path.join(ROOT, "bench/.empty.ts");
  fs.writeFileSync(emptyProgram, "export {};\n");
  try {
    const floor = timeRuns("tsx floor", [emptyProgram]);
    const synth = timeRuns("synth homelab", [path.join(ROOT, "tools/synth.ts"), "homelab"]);
    const result = {
      runs: RUNS,
      synthHomelabMs: { median: round(median(synth)), min: round(Math.min(...synth)), all: synth.map(round) },
      tsxFloorMs: { median: round(median(floor)), min: round(Math.min(...floor)) },
      ratioSynthToFloor: Math.round((median(synth) / median(floor)) * 100) / 100,
      goal: "synth homelab median < 3000 ms",
      goalMet: median(synth) < 3000,
    };
    console.log(
      `synth homelab: median ${result.synthHomelabMs.median} ms (min ${result.synthHomelabMs.min}) over ${RUNS} runs; ` +
        `tsx floor ${result.tsxFloorMs.median} ms; ratio ${result.ratioSynthToFloor}; goal < 3000 ms: ${result.goalMet ? "met" : "NOT met"}`,
    );
    return result;
  } finally {
    fs.rmSync(emptyProgram, { force: true });
  }
}
