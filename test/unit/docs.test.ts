/** The README's config reference stays true to the schema: every key documented, none invented. */
import * as fs from "fs";
import * as path from "path";
import { monitoringSchema, veleroSchema, volsyncSchema } from "../../config/cluster-schema";
import { etcdOffloadSchema, rgwMirrorSchema } from "../../config/paths-schema";
import { SECRET_KEYS, configSchema, hubSchema, postgresSchema } from "../../config/schema";
import { ROOT } from "../support/program";
import { CONTRACT_ALERTS, EXTENDED_ALERTS } from "./alerts/cases";

const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const configSection = readme.slice(readme.indexOf("## Stack config"), readme.indexOf("\n## ", readme.indexOf("## Stack config") + 1));
/** First-column keys of the config section's tables: | `key` | … */
const documented = new Set([...configSection.matchAll(/^\| `([A-Za-z0-9.]+)` \|/gm)].map((m) => m[1]));

describe("README stack config reference", () => {
  const schemaKeys = [
    ...Object.keys(configSchema.shape),
    ...Object.keys(hubSchema.shape).map((k) => `hub.${k}`),
    ...Object.keys(postgresSchema.shape).map((k) => `postgres.${k}`),
    ...Object.keys(rgwMirrorSchema.shape).map((k) => `rgwMirror.${k}`),
    ...Object.keys(etcdOffloadSchema.shape).map((k) => `etcdOffload.${k}`),
    ...Object.keys(veleroSchema.shape).map((k) => `velero.${k}`),
    ...Object.keys(volsyncSchema.shape).map((k) => `volsync.${k}`),
    ...Object.keys(monitoringSchema.shape).map((k) => `monitoring.${k}`),
    ...Object.keys(SECRET_KEYS),
  ];

  it.each(schemaKeys)("documents %s", (key) => {
    expect(documented.has(key)).toBe(true);
  });

  it("documents no key the schema does not have", () => {
    expect(documented.size).toBeGreaterThan(10);
    expect([...documented].filter((k) => !schemaKeys.includes(k))).toEqual([]);
  });

  it("shows the two commands and the runbook link", () => {
    expect(readme).toContain("npm ci && npm run synth");
    expect(readme).toContain("npm ci && npm test");
    expect(fs.existsSync(path.join(ROOT, "docs/runbook.md"))).toBe(true);
  });
});

describe(".ci/run", () => {
  it("runs exactly the README's test command", () => {
    const ci = fs.readFileSync(path.join(ROOT, ".ci/run"), "utf8");
    expect(ci.trim().split("\n").pop()).toBe("npm ci && npm test");
  });
});

describe("runbook", () => {
  const runbook = fs.readFileSync(path.join(ROOT, "docs/runbook.md"), "utf8");
  it.each([...CONTRACT_ALERTS, ...EXTENDED_ALERTS])("has a section for alert %s with three things to check", (alert) => {
    const start = runbook.indexOf(`\n### ${alert}\n`);
    expect(start).toBeGreaterThan(0);
    const section = runbook.slice(start + 1, runbook.indexOf("\n### ", start + 1) === -1 ? undefined : runbook.indexOf("\n### ", start + 1));
    expect(section.match(/^\d\. /gm)).toHaveLength(3);
  });
});
