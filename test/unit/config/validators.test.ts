import { z } from "zod";
import {
  bucketNameProblem,
  cronProblem,
  endpointSchema,
  imageSchema,
  maxCronGapHours,
  timeZoneSchema,
} from "../../../config/validators";

const messageOf = (schema: z.ZodType, value: unknown): string | undefined => {
  const r = schema.safeParse(value);
  return r.success ? undefined : r.error.issues.map((i) => i.message).join("; ");
};

describe("cron schedules", () => {
  it.each(["30 2 * * *", "0 3 * * 0", "0 3 * * SUN", "*/15 * * * *", "@daily", "@hourly"])("accepts %s", (expr) => {
    expect(cronProblem(expr)).toBeUndefined();
  });

  it.each([
    ["0 30 2 * * *", '"0 30 2 * * *" has 6 fields; a Kubernetes schedule has 5 (minute hour day-of-month month day-of-week)'],
    ["* * * *", '"* * * *" has 4 fields; a Kubernetes schedule has 5 (minute hour day-of-month month day-of-week)'],
    ["61 4 * * *", '"61 4 * * *" is not a valid cron expression: Constraint error, got value 61 expected range 0-59'],
    ["@fortnightly", 'unknown cron macro "@fortnightly" (use one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)'],
    ["TZ=UTC 0 3 * * *", "must not carry a TZ= prefix; set timeZone instead"],
  ])("rejects %s with a message saying why", (expr, message) => {
    expect(cronProblem(expr)).toBe(message);
  });

  it("measures the largest gap between runs, which the retention rule relies on", () => {
    expect(maxCronGapHours("30 2 * * *", "America/Sao_Paulo")).toBe(24);
    expect(maxCronGapHours("0 3 * * 0", "UTC")).toBe(168);
    expect(maxCronGapHours("0 * * * *", "UTC")).toBe(1);
    expect(maxCronGapHours("0 3 1,15 * *", "UTC")).toBe(17 * 24);
  });
});

describe("time zones", () => {
  it.each(["America/Sao_Paulo", "UTC", "Europe/Berlin"])("accepts %s", (tz) => expect(messageOf(timeZoneSchema, tz)).toBeUndefined());
  it.each(["Mars/Olympus", "+03:00", "America/Sao Paulo"])("rejects %s", (tz) =>
    expect(messageOf(timeZoneSchema, tz)).toBe(`"${tz}" is not an IANA time zone (e.g. America/Sao_Paulo, UTC)`));
});

describe("images", () => {
  const digest = "a".repeat(64);
  it.each([`ghcr.io/x/toolbox:1.0@sha256:${digest}`, `postgres@sha256:${digest}`])("accepts %s", (img) =>
    expect(messageOf(imageSchema, img)).toBeUndefined());
  it.each(["postgres:16", `postgres:16@sha256:${"a".repeat(63)}`, "ghcr.io/x/toolbox:latest"])("rejects %s (not pinned by digest)", (img) =>
    expect(messageOf(imageSchema, img)).toBe(`"${img}" must be pinned by digest (name[:tag]@sha256:<64 hex>)`));
});

describe("endpoints", () => {
  it.each(["http://10.10.10.209:9000", "https://minio.garage.lan:9000", "http://minio"])("accepts %s", (u) =>
    expect(messageOf(endpointSchema, u)).toBeUndefined());
  it.each([
    ["10.10.10.209:9000", '"10.10.10.209:9000" is not a URL (e.g. http://10.10.10.209:9000)'],
    ["ftp://10.10.10.209", '"ftp://10.10.10.209" must use http or https'],
    ["http://admin:pw@10.10.10.209:9000", "must not carry credentials; use the secret config keys"],
    ["http://10.10.10.209:9000/minio", '"http://10.10.10.209:9000/minio" must be scheme://host[:port] with no path or trailing slash'],
    ["http://10.10.10.209:9000/", '"http://10.10.10.209:9000/" must be scheme://host[:port] with no path or trailing slash'],
  ])("rejects %s", (u, message) => expect(messageOf(endpointSchema, u)).toBe(message));
  it("never echoes credentials embedded in an endpoint", () => {
    expect(messageOf(endpointSchema, "http://admin:hunter2@h:9000")).not.toContain("hunter2");
  });
});

describe("bucket names", () => {
  it.each(["homelab-backup-velero", "a.b-c"])("accepts %s", (b) => expect(bucketNameProblem(b)).toBeUndefined());
  it.each([
    ["ab", '"ab" must be 3-63 characters long'],
    ["Homelab", '"Homelab" may hold only lowercase letters, digits, \'-\' and \'.\', and must start and end with a letter or digit'],
    ["a..b", '"a..b" must not contain "..", ".-" or "-."'],
    ["10.10.10.209", '"10.10.10.209" must not look like an IP address'],
  ])("rejects %s", (b, message) => expect(bucketNameProblem(b)).toBe(message));
});
