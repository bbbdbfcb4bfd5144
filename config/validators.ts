/**
 * Field validators shared by the stack-config schema. Each is a zod schema whose failure message
 * says what is wrong and what a valid value looks like; the messages are part of the operator
 * interface and are tested verbatim (test/unit/config/validators.test.ts).
 */
import { CronExpressionParser } from "cron-parser";
import { z } from "zod";

/** Macros the Kubernetes CronJob controller accepts in `spec.schedule`. */
export const CRON_MACROS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

/** Why a schedule is not a Kubernetes cron expression, or undefined when it is one. */
export function cronProblem(expr: string): string | undefined {
  const trimmed = expr.trim();
  if (trimmed.startsWith("@")) {
    return CRON_MACROS.includes(trimmed) ? undefined : `unknown cron macro "${trimmed}" (use one of ${CRON_MACROS.join(", ")})`;
  }
  if (/^(CRON_)?TZ=/.test(trimmed)) {
    return "must not carry a TZ= prefix; set timeZone instead";
  }
  const fields = trimmed.split(/\s+/).filter(Boolean);
  if (fields.length !== 5) {
    return `"${expr}" has ${fields.length} fields; a Kubernetes schedule has 5 (minute hour day-of-month month day-of-week)`;
  }
  try {
    CronExpressionParser.parse(trimmed, { tz: "UTC" });
  } catch (err) {
    return `"${expr}" is not a valid cron expression: ${(err as Error).message}`;
  }
  // cron-parser accepts more than Kubernetes: the CronJob controller parses with robfig/cron v3.
  const fieldProblem = fields.map((f, i) => robfigFieldProblem(f, ROBFIG_FIELDS[i])).find((p) => p !== undefined);
  return fieldProblem && `"${expr}": ${fieldProblem}`;
}

interface CronField { name: string; min: number; max: number; names?: string[] }
/** robfig/cron v3's standard parser bounds (github.com/robfig/cron/v3 parser.go): day-of-week is 0-6. */
const ROBFIG_FIELDS: CronField[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"] },
  { name: "day-of-week", min: 0, max: 6, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
];

/** Why one field is not what robfig/cron v3 (hence Kubernetes) accepts: `*`, `?`, n, a-b, each with /step, in comma lists. */
export function robfigFieldProblem(field: string, f: CronField): string | undefined {
  for (const item of field.split(",")) {
    const m = /^(\*|\?|[^-/]+)(?:-([^-/]+))?(?:\/(\d+))?$/.exec(item);
    if (!m) return `${f.name} "${item}" is not cron syntax Kubernetes accepts (no L, W or #)`;
    if (m[3] !== undefined && Number(m[3]) === 0) return `${f.name} "${item}" has a step of 0`;
    if (m[1] === "*" || m[1] === "?") {
      if (m[2] !== undefined) return `${f.name} "${item}" is not cron syntax Kubernetes accepts`;
      continue;
    }
    const value = (v: string): number | undefined => {
      if (/^\d+$/.test(v)) return Number(v);
      const i = f.names?.indexOf(v.toLowerCase()) ?? -1;
      return i >= 0 ? i + f.min : undefined;
    };
    const lo = value(m[1]);
    const hi = m[2] === undefined ? lo : value(m[2]);
    if (lo === undefined || hi === undefined) return `${f.name} "${item}" is not cron syntax Kubernetes accepts (no L, W or #)`;
    if (lo < f.min || hi > f.max) return `${f.name} "${item}" is out of range ${f.min}-${f.max}${f.name === "day-of-week" ? " (Sunday is 0, not 7)" : ""}`;
    if (lo > hi) return `${f.name} "${item}" starts after it ends`;
  }
  return undefined;
}

export const cronSchema = z.string().superRefine((value, ctx) => {
  const problem = cronProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** Largest gap, in hours, between consecutive runs of a cron schedule over the next 60 days. */
export function maxCronGapHours(expr: string, timeZone: string, from = new Date("2026-01-01T00:00:00Z")): number {
  const it = CronExpressionParser.parse(expr.trim(), { tz: timeZone, currentDate: from });
  const horizon = from.getTime() + 60 * 24 * 3600 * 1000;
  let prev = it.next().getTime();
  let max = 0;
  for (let i = 0; i < 2000; i++) {
    const next = it.next().getTime();
    max = Math.max(max, next - prev);
    if (next > horizon) break;
    prev = next;
  }
  return max / 3600_000;
}

/** IANA time zone names (what CronJob `timeZone` accepts); offsets such as "+03:00" are rejected. */
export const timeZoneSchema = z.string().superRefine((value, ctx) => {
  let valid = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(value);
  if (valid) {
    try {
      new Intl.DateTimeFormat("en", { timeZone: value });
    } catch {
      valid = false;
    }
  }
  if (!valid) ctx.addIssue({ code: "custom", message: `"${value}" is not an IANA time zone (e.g. America/Sao_Paulo, UTC)` });
});

const DIGEST = /@sha256:[0-9a-f]{64}$/;

/** A container image reference pinned by digest: `repo[:tag]@sha256:<64 hex>`. */
export const imageSchema = z.string().superRefine((value, ctx) => {
  if (!DIGEST.test(value) || /\s/.test(value) || value.startsWith("@")) {
    ctx.addIssue({ code: "custom", message: `"${value}" must be pinned by digest (name[:tag]@sha256:<64 hex>)` });
  }
});

/** An http(s) endpoint URL with no path, query or credentials, e.g. http://10.10.10.209:9000. */
export const endpointSchema = z.string().superRefine((value, ctx) => {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const problem = !url
    ? `"${value}" is not a URL (e.g. http://10.10.10.209:9000)`
    : !["http:", "https:"].includes(url.protocol)
      ? `"${value}" must use http or https`
      : url.username || url.password
        ? "must not carry credentials; use the secret config keys"
        : (url.pathname !== "/" && url.pathname !== "") || url.search || url.hash || value.endsWith("/")
          ? `"${value}" must be scheme://host[:port] with no path or trailing slash`
          : undefined;
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** A Kubernetes namespace (or other DNS-1123 label). */
export const dnsLabelSchema = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS-1123 label (lowercase letters, digits, '-')")
  .max(63, "must be at most 63 characters");

/** Why a name is not a valid S3 bucket name, or undefined. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `"${name}" must be 3-63 characters long`;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) {
    return `"${name}" may hold only lowercase letters, digits, '-' and '.', and must start and end with a letter or digit`;
  }
  if (/\.\.|\.-|-\./.test(name)) return `"${name}" must not contain "..", ".-" or "-."`;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return `"${name}" must not look like an IP address`;
  return undefined;
}

export const bucketNameSchema = z.string().superRefine((value, ctx) => {
  const problem = bucketNameProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** One or more PEM certificates (a CA bundle). */
export const pemBundleSchema = z
  .string()
  .regex(/^\s*(-----BEGIN CERTIFICATE-----\s+[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----\s*)+$/, "must be PEM certificates (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----)");

/** A semantic version without a leading "v" (chart and application versions). */
export const semverSchema = z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, "must be a version like 1.2.3");

/** A DNS-1123 subdomain (Secret, ConfigMap names). */
export const dnsSubdomainSchema = z
  .string()
  .max(253, "must be at most 253 characters")
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, "must be a DNS-1123 subdomain (lowercase letters, digits, '-', '.')");

/** A PostgreSQL major version. */
export const majorSchema = z.number().int("must be a whole major version, e.g. 18").min(10, "must be a PostgreSQL major version (10 or later)").max(99, "must be a PostgreSQL major version");

/** A Kubernetes resource quantity such as 20Gi or 512Mi. */
export const quantitySchema = z.string().regex(/^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/, "must be a Kubernetes quantity such as 20Gi");
