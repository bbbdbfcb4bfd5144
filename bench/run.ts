/**
 * `npm run bench [-- synth|postgres|etcd|rgw]`: benchmarks, each measured in one run and written to
 * bench/results/<name>.json. Not assertions — figures for closing notes and regressions.
 */
import { benchEtcd, benchRgw } from "./offsite";
import { benchPostgres } from "./postgres";
import { writeResult } from "./results";
import { benchSynth } from "./synth";
import { removeTempDirs } from "../test/support/proc";

const BENCHES: Record<string, () => Record<string, unknown> | Promise<Record<string, unknown>>> = {
  synth: benchSynth,
  postgres: benchPostgres,
  etcd: benchEtcd,
  rgw: benchRgw,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !(w in BENCHES));
  if (unknown.length > 0) throw new Error(`unknown benchmark(s): ${unknown.join(", ")}; choose from ${Object.keys(BENCHES).join(", ")}`);
  for (const name of wanted.length > 0 ? wanted : Object.keys(BENCHES)) {
    const result = await BENCHES[name]();
    console.log(`${name}: wrote ${writeResult(name, result)}`);
    if (name !== "synth") console.log(JSON.stringify(result, null, 2));
  }
}

main()
  .catch((err) => {
    console.error(`bench failed: ${(err as Error).message}`);
    process.exitCode = 1;
  })
  .finally(removeTempDirs);
