/**
 * Pulumi's log.warn under mocks (no engine) goes to console.warn, which Jest prints with a code frame
 * and stack per call: the committed stacks' expected placeholder warnings then drown the report.
 * Each distinct warning is printed once per test file, as one plain line. Tests that assert on
 * warnings spy on console.warn as before (jest.spyOn wraps this).
 */
const seen = new Set<string>();
console.warn = (...args: unknown[]): void => {
  const line = args.map(String).join(" ").split("\n")[0];
  if (seen.has(line)) return;
  seen.add(line);
  process.stderr.write(`  ${line.startsWith("warning:") ? line : `warning: ${line}`}\n`);
};
