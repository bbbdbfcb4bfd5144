/**
 * Runs the real program under `pulumi.runtime.setMocks` and records every registered resource:
 * type, name, parent and inputs (secrets kept as Pulumi's secret wrapper, so callers can tell them
 * apart). Shared by the offline synth and the unit tests.
 *
 * Order matters: config and mocks are installed first, and only then is the program module loaded
 * (`loadProgram`) and called. A program imported before `setMocks` would run without mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import * as runtimeSettings from "@pulumi/pulumi/runtime/settings";

export interface RecordedResource {
  type: string;
  name: string;
  /** Name of the parent resource (the stack, a component), if any. */
  parent?: string;
  /** Names of the resources it explicitly depends on (`dependsOn`). */
  dependsOn: string[];
  custom: boolean;
  /** True for a read of an existing resource (`Resource.get`): nothing is created. */
  read: boolean;
  inputs: Record<string, unknown>;
}

const SIG = pulumi.runtime.specialSigKey;
const SECRET_SIG = pulumi.runtime.specialSecretSig;

/** True when a recorded input value is a Pulumi secret. */
export function isSecretValue(value: unknown): boolean {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG] === SECRET_SIG;
}

/** Replaces every secret by `replacement` (default "[secret]"), deeply. */
export function redactSecrets(value: unknown, replacement = "[secret]"): unknown {
  if (isSecretValue(value)) return replacement;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, replacement));
  if (typeof value === "object" && value !== null) {
    if (pulumi.asset.Asset.isInstance(value) || pulumi.asset.Archive.isInstance(value)) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(v, replacement)]));
  }
  return value;
}

/** Replaces every Pulumi asset by a plain `{ asset: { text } }` (or `{ path }`), deeply. */
export async function resolveAssets(value: unknown): Promise<unknown> {
  if (pulumi.asset.Asset.isInstance(value)) {
    const a = value as unknown as { text?: Promise<string>; path?: Promise<string> };
    if (a.text !== undefined) return { asset: { text: await a.text } };
    return { asset: { path: await a.path } };
  }
  if (Array.isArray(value)) return Promise.all((value as unknown[]).map(resolveAssets));
  if (typeof value === "object" && value !== null) {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveAssets(v)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}

/** Reveals secrets (unwraps them), deeply: for tests that assert a secret's content. */
export function revealSecrets(value: unknown): unknown {
  if (isSecretValue(value)) return revealSecrets((value as { value: unknown }).value);
  if (Array.isArray(value)) return value.map(revealSecrets);
  if (typeof value === "object" && value !== null && !pulumi.asset.Asset.isInstance(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealSecrets(v)]));
  }
  return value;
}

/** Outputs a real provider computes that the program reads back (the rest echo the inputs). */
function computedOutputs(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
  switch (args.type) {
    case "minio:index/iamUser:IamUser":
      return { secret: `mock-generated-secret-for-${args.name}` };
    case "minio:index/s3Bucket:S3Bucket":
      return { bucket: args.inputs.bucket ?? args.name };
    default:
      return {};
  }
}

export class ResourceRecorder implements pulumi.runtime.Mocks {
  readonly resources: RecordedResource[] = [];
  private readonly parents = new Map<string, string>();
  private readonly dependencies = new Map<string, string[]>();

  notePending(type: string, name: string, parentUrn: string, dependencyUrns: string[] = []): void {
    const key = `${type}::${name}`;
    if (parentUrn) this.parents.set(key, parentUrn.split("::").pop() as string);
    this.dependencies.set(key, dependencyUrns.map((urn) => urn.split("::").pop() as string));
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
    this.resources.push({
      type: args.type,
      name: args.name,
      parent: this.parents.get(`${args.type}::${args.name}`),
      dependsOn: this.dependencies.get(`${args.type}::${args.name}`) ?? [],
      custom: args.custom ?? true,
      read: args.id !== undefined && args.id !== "",
      inputs: args.inputs,
    });
    return { id: args.custom === false ? undefined : `${args.name}-id`, state: { ...args.inputs, ...computedOutputs(args) } };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    return args.inputs;
  }

  byType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The one resource of `type` named `name`; throws when absent, so tests fail loudly. */
  one(type: string, name: string): RecordedResource {
    const found = this.resources.find((r) => r.type === type && r.name === name);
    if (!found) throw new Error(`no ${type} named ${name}; recorded: ${this.resources.map((r) => `${r.type}/${r.name}`).join(", ")}`);
    return found;
  }
}

export interface RunOptions {
  project: string;
  stack: string;
  /** Full config keys (`project:key`) to raw string values, as the Pulumi CLI passes them. */
  config: Record<string, string>;
  /** Full keys of the config values that are secrets. */
  secretKeys: string[];
  /** Loads the program module; called only after mocks are set. */
  loadProgram: () => Promise<() => unknown>;
}

export interface RunResult {
  recorder: ResourceRecorder;
  /** Stack outputs as the engine would see them (resolved). */
  outputs: Record<string, unknown>;
  /** What the program function returned, Outputs intact (for `pulumi.isSecret` checks). */
  returned: Record<string, unknown>;
}

/** Waits until every resource registration in flight has reached the mock monitor. */
async function settle(): Promise<void> {
  // waitForRPCs is internal to the SDK (not in its typings); it is what `disconnect()` awaits.
  const settings = runtimeSettings as unknown as { waitForRPCs?: () => Promise<void> };
  if (!settings.waitForRPCs) throw new Error("@pulumi/pulumi no longer exposes runtime/settings.waitForRPCs; update tools/pulumi-mocks.ts");
  await settings.waitForRPCs();
}

/** Sets config and mocks, then loads and runs the program as the Pulumi runner does. */
export async function runProgram(opts: RunOptions): Promise<RunResult> {
  pulumi.runtime.setAllConfig(opts.config, opts.secretKeys);
  const recorder = new ResourceRecorder();
  await pulumi.runtime.setMocks(recorder, opts.project, opts.stack, false);
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource: (req: { getType(): string; getName(): string; getParent(): string; getDependenciesList(): string[] }, cb: unknown) => unknown;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    recorder.notePending(req.getType(), req.getName(), req.getParent(), req.getDependenciesList());
    return register(req, cb);
  };
  const program = await opts.loadProgram();
  let returned: Record<string, unknown> = {};
  let failure: { error: unknown } | undefined;
  // The program's own failure (e.g. invalid config) is caught here and rethrown once the stack has
  // settled; left inside the Stack's initialisation it would surface as an unhandled rejection.
  const outputs = await pulumi.runtime.runInPulumiStack(async () => {
    try {
      returned = ((await program()) ?? {}) as Record<string, unknown>;
    } catch (error) {
      failure = { error };
    }
    return returned;
  });
  await settle();
  if (failure) throw failure.error;
  return { recorder, outputs: (outputs ?? {}) as Record<string, unknown>, returned };
}
