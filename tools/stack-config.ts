/**
 * Reads a stack's config the way the Pulumi CLI hands it to the program: project defaults from
 * Pulumi.yaml, overridden key by key (whole values, no deep merge) by Pulumi.<stack>.yaml, every
 * value as a string (structured values JSON-encoded). `secure:` values, and declared secret keys
 * the file does not set, become placeholders marked secret — the synth never sees a real secret.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { SECRET_KEYS, StackConfig, parseConfig } from "../config/schema";
import { splitConfig } from "../config/load";

export interface StackConfigFiles {
  project: string;
  config: Record<string, string>;
  secretKeys: string[];
  /** Secret keys given a placeholder because the stack file does not set them. */
  placeholders: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function fullKey(project: string, key: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

function encode(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** A project-level config entry: short form `key: value`, or long form `{ value }` / `{ default }`. */
function projectValue(entry: unknown): unknown {
  if (isRecord(entry) && ("value" in entry || "default" in entry || "type" in entry)) {
    return "value" in entry ? entry.value : entry.default;
  }
  return entry;
}

export function placeholderSecret(key: string): string {
  return `placeholder-${key}`;
}

/** A stack or project file that is not valid YAML: one `<file>: line N: <reason>` problem. */
export class StackFileError extends Error {
  constructor(public readonly problems: string[]) {
    super(problems.join("\n"));
  }
}

/** Parses a YAML file; the first syntax error becomes a one-line problem naming the file and line. */
export function readYamlFile(file: string): unknown {
  const doc = YAML.parseDocument(fs.readFileSync(file, "utf8"));
  const [first] = doc.errors;
  if (first) {
    const reason = first.message.split("\n")[0].replace(/ at line \d+, column \d+:$/, "");
    throw new StackFileError([`${path.basename(file)}: line ${first.linePos?.[0].line ?? "?"}: ${reason}`]);
  }
  return doc.toJS();
}

export function readStackConfig(root: string, stack: string): StackConfigFiles {
  const project = readYamlFile(path.join(root, "Pulumi.yaml")) as Record<string, unknown>;
  const name = String(project.name);
  const stackFile = path.join(root, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(stackFile)) throw new Error(`no stack file ${path.basename(stackFile)} in ${root}`);
  const stackDoc = (readYamlFile(stackFile) ?? {}) as Record<string, unknown>;

  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, entry] of Object.entries(isRecord(project.config) ? project.config : {})) {
    const value = projectValue(entry);
    if (value !== undefined) config[fullKey(name, key)] = encode(value);
  }
  for (const [key, value] of Object.entries(isRecord(stackDoc.config) ? stackDoc.config : {})) {
    const k = fullKey(name, key);
    if (isRecord(value) && "secure" in value) {
      config[k] = placeholderSecret(key);
      secretKeys.push(k);
    } else {
      config[k] = encode(value);
    }
  }
  const placeholders: string[] = [];
  for (const key of Object.keys(SECRET_KEYS)) {
    const k = fullKey(name, key);
    if (!(k in config)) {
      config[k] = placeholderSecret(key);
      secretKeys.push(k);
      placeholders.push(key);
    }
  }
  return { project: name, config, secretKeys, placeholders };
}

/**
 * A committed stack's config, validated as the program validates it (parseConfig), without running
 * the program: for tools that need the config only (`npm run status`). Throws ConfigError or
 * StackFileError with every problem.
 */
export function parseStackConfig(root: string, stack: string): StackConfig {
  const files = readStackConfig(root, stack);
  const secretKeys = new Set(files.secretKeys);
  const { values, presence } = splitConfig(files.project, files.config, (k) => secretKeys.has(k));
  return parseConfig(values, presence);
}
