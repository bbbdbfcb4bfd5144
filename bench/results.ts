/** Writes one benchmark's figures to bench/results/<name>.json, dated. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export function writeResult(name: string, result: Record<string, unknown>): string {
  const dir = path.resolve(__dirname, "results");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  const machine = { node: process.version, cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30) };
  fs.writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine, ...result }, null, 2)}\n`);
  return file;
}
