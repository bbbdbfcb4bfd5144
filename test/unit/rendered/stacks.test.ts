/**
 * Every committed stack, rendered under mocks: each Kubernetes object validates against the
 * Kubernetes schema, each CronJob meets contract 3, and no secret appears in plain sight.
 * One program run per stack, each in an isolated module registry.
 */
import * as fs from "fs";
import { RecordedResource } from "../../../tools/pulumi-mocks";
import { ROOT } from "../../support/program";
import { cronJobProblems, kubernetesObjects, secretLeaks, validationError } from "../../support/k8s-checks";

const stacks = fs.readdirSync(ROOT).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f)).map((f) => f.split(".")[1]);
const runs = new Map<string, RecordedResource[]>();
const timeZones = new Map<string, string>();

beforeAll(async () => {
  for (const stack of stacks) {
    await jest.isolateModulesAsync(async () => {
      const { runStack } = await import("../../support/program");
      const { readStackConfig } = await import("../../../tools/stack-config");
      const run = await runStack(stack);
      runs.set(stack, run.recorder.resources);
      timeZones.set(stack, JSON.parse(JSON.stringify(readStackConfig(ROOT, stack).config[`homelab-backups:timeZone`])));
    });
  }
}, 60_000);

describe.each(stacks)("stack %s", (stack) => {
  const objects = () => kubernetesObjects(runs.get(stack) ?? []);

  it("renders Kubernetes objects, each valid against the Kubernetes schema", () => {
    expect(objects().length).toBeGreaterThan(0);
    const invalid = objects().map((o) => [`${o.kind}/${o.metadata?.name}`, validationError(o)]).filter(([, e]) => e);
    expect(invalid).toEqual([]);
  });

  it("gives every CronJob the contract-3 safety fields", () => {
    const cronJobs = objects().filter((o) => o.kind === "CronJob");
    expect(cronJobs.length).toBeGreaterThan(0);
    for (const cj of cronJobs) expect([cj.metadata.name, cronJobProblems(cj, timeZones.get(stack) as string)]).toEqual([cj.metadata.name, []]);
  });

  it("keeps every secret out of ConfigMaps, env values and command lines", () => {
    const secrets = ["placeholder-", "mock-generated-secret"];
    expect(secretLeaks(objects(), secrets)).toEqual([]);
  });
});

describe("the checks themselves", () => {
  it("catch an invalid object, an unsafe CronJob and a leaked secret", () => {
    expect(validationError({ apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "x" }, spec: { schedule: 5 } })).toContain("schedule must be string");
    expect(validationError({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "x" } })).toBe("no schema known for example.com/v1 Widget");
    const unsafe = { metadata: { name: "x".repeat(53) }, spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "c" }] } } } } } };
    expect(cronJobProblems(unsafe, "UTC")).toEqual(expect.arrayContaining([
      "name longer than 52 characters", "concurrencyPolicy is not Forbid", "no activeDeadlineSeconds", "container c: no limits.ephemeral-storage",
    ]));
    const leaky = [{ kind: "ConfigMap", metadata: { name: "c" }, data: { "x.sh": "KEY=placeholder-hubAdminPassword" } },
      { kind: "CronJob", metadata: { name: "j" }, spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "c", env: [{ name: "PGPASSWORD", value: "x" }] }] } } } } } }];
    expect(secretLeaks(leaky, ["placeholder-"])).toEqual(["ConfigMap/c data.x.sh contains a secret", "CronJob/j c env PGPASSWORD is a plain value"]);
  });
});
