/**
 * Every input the program gives a MinIO resource is one the real provider accepts: @pulumi/minio
 * 0.17.1 bridges terraform-provider-minio v1.20.1, whose SDKv2 validation rejects a value for an
 * attribute that is Computed-only ("Value for unconfigurable attribute") or unknown. Mocks accept
 * anything, so the schema comes from the provider's Go source
 * (test/fixtures/upstream/terraform-provider-minio.json, extracted by tools/upstream/extract.ts).
 */
import { RecordedResource } from "../../../tools/pulumi-mocks";
import { terraformMinio } from "../../support/upstream";
import type { TfBlock } from "../../../tools/upstream/extract";
import { runStackIsolated } from "../../support/program";

const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();

/** `minio:index/ilmPolicy:IlmPolicy` → `minio_ilm_policy`. */
export function terraformType(pulumiType: string): string {
  return `minio_${snake(pulumiType.split("/")[1].split(":")[0])}`;
}

/** Problems of `inputs` against a Terraform block: unknown or computed-only attributes, deeply. */
export function inputProblems(inputs: Record<string, unknown>, block: TfBlock, at: string): string[] {
  return Object.entries(inputs).flatMap(([key, value]) => {
    let attr = snake(key);
    // The bridge pluralises list blocks: `rules` in Pulumi is `rule` in Terraform.
    if (!block.attributes[attr] && attr.endsWith("s") && block.attributes[attr.slice(0, -1)]) attr = attr.slice(0, -1);
    const fact = block.attributes[attr];
    const where = `${at}.${key}`;
    if (!fact) return [`${where}: not an attribute of the provider's schema`];
    if (fact.computed && !fact.optional && !fact.required) return [`${where}: computed-only in the provider (a real preview refuses any value)`];
    const nested = block.blocks[attr];
    if (!nested || value === undefined) return [];
    const items = Array.isArray(value) ? value : [value];
    return items.flatMap((item, i) => inputProblems(item as Record<string, unknown>, nested, Array.isArray(value) ? `${where}[${i}]` : where));
  });
}

const runs = new Map<string, RecordedResource[]>();
beforeAll(async () => {
  for (const stack of ["homelab", "garage"]) runs.set(stack, await runStackIsolated(stack));
}, 60_000);

describe("terraform-provider-minio schema fixture", () => {
  it("cites its source and knows the ILM rule's status is computed-only", () => {
    const fx = terraformMinio();
    expect(fx.source).toMatchObject({ repo: "aminueza/terraform-provider-minio", tag: "v1.20.1" });
    expect(fx.source.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(fx.resources.minio_ilm_policy.blocks.rule.attributes.status).toEqual({ required: false, optional: false, computed: true });
    expect(fx.resources.minio_ilm_policy.blocks.rule.attributes.expiration.optional).toBe(true);
  });

  it("the checker refuses a computed-only or unknown input (as a real preview would)", () => {
    const ilm = terraformMinio().resources.minio_ilm_policy;
    expect(inputProblems({ bucket: "b", rules: [{ id: "r", status: "Enabled", expiration: "14d" }] }, ilm, "IlmPolicy")).toEqual([
      "IlmPolicy.rules[0].status: computed-only in the provider (a real preview refuses any value)",
    ]);
    expect(inputProblems({ bucket: "b", rules: [{ id: "r", expirationDays: 14 }] }, ilm, "IlmPolicy")).toEqual([
      "IlmPolicy.rules[0].expirationDays: not an attribute of the provider's schema",
    ]);
  });
});

describe.each(["homelab", "garage"])("stack %s", (stack) => {
  it("sets only inputs the MinIO provider's schema accepts, on every MinIO resource", () => {
    const schema = terraformMinio().resources;
    const minio = (runs.get(stack) ?? []).filter((r) => r.type.startsWith("minio:") && r.custom);
    expect(new Set(minio.map((r) => r.type)).size).toBeGreaterThanOrEqual(6);
    const problems = minio.flatMap((r) => {
      const block = schema[terraformType(r.type)];
      if (!block) return [`${r.type}: no schema in the fixture (add its file to tools/upstream/extract.ts)`];
      return inputProblems(r.inputs, block, `${r.type} ${r.name}`);
    });
    expect(problems).toEqual([]);
  });
});
