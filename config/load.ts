/**
 * The only reader of Pulumi config. Collects this project's keys, JSON-decodes structured values,
 * records how each secret key is stored, validates everything with {@link parseConfig}, and hands
 * secrets out as `Output<string>` secrets. Nothing here runs at import time.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, SECRET_KEYS, SecretKey, SecretPresence, StackConfig, parseConfig, placeholderHostKeys, placeholderImages } from "./schema";

export interface LoadedConfig {
  config: StackConfig;
  /** Secrets that are set, as Pulumi secrets. Required ones are guaranteed present. */
  secrets: Partial<Record<SecretKey, pulumi.Output<string>>>;
}

/** Decodes one raw config string the way `Config.getObject` does, keeping plain strings as strings. */
export function decodeValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export type SecretCheck = (fullKey: string) => boolean;

/** Pulumi's own record of which config keys were set with --secret (PULUMI_CONFIG_SECRET_KEYS). */
function secretKeyCheck(): SecretCheck {
  const runtimeConfig = pulumi.runtime as unknown as { isConfigSecret?: SecretCheck };
  return runtimeConfig.isConfigSecret ?? (() => true);
}

/**
 * Splits raw CLI config (full `project:key` keys, string values) into this project's decoded plain
 * values and the storage state of its secret keys (pure; secret values are never decoded here).
 */
export function splitConfig(project: string, all: Record<string, string>, isSecret: SecretCheck): { values: Record<string, unknown>; presence: SecretPresence } {
  const prefix = `${project}:`;
  const values: Record<string, unknown> = {};
  const presence: SecretPresence = {};
  for (const [fullKey, raw] of Object.entries(all)) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    if (key in SECRET_KEYS) presence[key] = isSecret(fullKey) ? "secret" : "plaintext";
    else values[key] = decodeValue(raw);
  }
  return { values, presence };
}

/** Reads and validates this stack's config; throws {@link ConfigError} listing every problem. */
export function loadConfig(): LoadedConfig {
  const project = pulumi.getProject();
  const { values, presence } = splitConfig(project, pulumi.runtime.allConfig(), secretKeyCheck());
  let config: StackConfig;
  try {
    config = parseConfig(values, presence);
  } catch (err) {
    if (err instanceof ConfigError) throw new StackConfigError(err.problems);
    throw err;
  }
  for (const role of placeholderImages(config)) {
    pulumi.log.warn(`images.${role} still has the placeholder digest sha256:000…; build images/backup-toolbox and pin the digest it printed (README "The toolbox image")`);
  }
  for (const node of placeholderHostKeys(config)) {
    pulumi.log.warn(`etcdOffload node ${node} still has the placeholder host key; pin the output of \`ssh-keyscan -t ed25519 <host>\` (the push will refuse the real host until then)`);
  }
  const cfg = new pulumi.Config(project);
  const secrets: LoadedConfig["secrets"] = {};
  for (const key of Object.keys(SECRET_KEYS) as SecretKey[]) {
    if (presence[key]) secrets[key] = cfg.requireSecret(key);
  }
  return { config, secrets };
}

/**
 * A config failure as Pulumi should show it: `RunError` ends the program with the message only
 * (one `config error:` line per problem), without a stack trace.
 */
export class StackConfigError extends pulumi.RunError {
  constructor(public readonly problems: string[]) {
    super(new ConfigError(problems).message);
  }
}

export { ConfigError };
