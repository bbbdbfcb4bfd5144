/**
 * `npm run bench`: benchmarks measured in one run, written to bench/results/. Not assertions —
 * figures for the closing notes and for spotting regressions.
 *
 * synth: wall time of `npm run synth -- homelab` (goal < 3 s), against the floor of starting the
 * same TypeScript runner with an empty program (ratio = synth / floor).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const TSX = path.join(ROOT, "node_modules/.bin/tsx");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function timeRuns(label: string, args: string[]): number[] {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const res = spawnSync(TSX, args, { cwd: ROOT, encoding: "utf8" });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (res.status !== 0) throw new Error(`${label} failed: ${res.stderr}`);
    times.push(ms);
  }
  return times;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number, d = 0): number => Math.round(x * 10 ** d) / 10 ** d;

function main(): void {
  const emptyProgram = path.join(ROOT, "bench/empty.ts");
  fs.writeFileSync(emptyProgram, "export {};\n");
  try {
    const floor = timeRuns("tsx floor", [emptyProgram]);
    const synth = timeRuns("synth homelab", [path.join(ROOT, "tools/synth.ts"), "homelab"]);
    const result = {
      date: new Date().toISOString(),
      machine: { node: process.version, cpus: os.cpus().length },
      runs: RUNS,
      synthHomelabMs: { median: round(median(synth)), min: round(Math.min(...synth)), all: synth.map((t) => round(t)) },
      tsxFloorMs: { median: round(median(floor)), min: round(Math.min(...floor)) },
      ratioSynthToFloor: round(median(synth) / median(floor), 2),
      goal: "synth homelab median < 3000 ms",
      goalMet: median(synth) < 3000,
    };
    fs.writeFileSync(path.join(ROOT, "bench/results/synth.json"), `${JSON.stringify(result, null, 2)}\n`);
    console.log(
      `synth homelab: median ${result.synthHomelabMs.median} ms (min ${result.synthHomelabMs.min}) over ${RUNS} runs; ` +
        `tsx floor ${result.tsxFloorMs.median} ms; ratio ${result.ratioSynthToFloor}; goal < 3000 ms: ${result.goalMet ? "met" : "NOT met"}`,
    );
  } finally {
    fs.rmSync(emptyProgram, { force: true });
  }
}

main();
