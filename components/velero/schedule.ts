/**
 * Velero's schedule in the stack's time zone, without relying on `CRON_TZ=` (pure).
 *
 * Evidence (vmware-tanzu/velero v1.18.1): the parser (robfig/cron v3) accepts `CRON_TZ=<zone>`, but
 * the official image (final stage `paketobuildpacks/run-jammy-tiny`) ships no zoneinfo and no Go
 * file imports `time/tzdata`, so any named zone fails validation with "unknown time zone"
 * (velero#9519). So the schedule is rendered in UTC:
 * - a zone with one UTC offset all year (America/Sao_Paulo since 2019: -03:00) converts exactly;
 * - a zone with daylight saving time converts at its standard offset, with a preview warning that
 *   the run moves by an hour of wall-clock time while DST is in effect;
 * - a schedule that one UTC cron line cannot express (e.g. hours that land on different days with
 *   a day-of-month restriction) keeps `CRON_TZ=`, with a warning that the official image rejects it.
 */

export interface VeleroSchedule {
  /** The expression for the chart's `schedules.<name>.schedule`. */
  cron: string;
  /** A preview warning, when the result is not exactly the stack's wall-clock schedule. */
  warning?: string;
}

const DESCRIPTORS: Record<string, string> = {
  "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
};

/** A formatter giving the wall-clock fields of `zone` (building one is the costly part: reuse it). */
const wallClock = (zone: string) => new Intl.DateTimeFormat("en-US", {
  timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric",
});

/** Minutes east of UTC of `zone` at `at` (pass `format` from {@link wallClock} when calling repeatedly). */
export function utcOffsetMinutes(zone: string, at: Date, format: Intl.DateTimeFormat = wallClock(zone)): number {
  const parts = format.formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((wall - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/** The distinct UTC offsets of `zone` over the year after `from` (sampled every 12 hours). */
export function offsetsOverYear(zone: string, from: Date): number[] {
  const seen = new Set<number>();
  const format = wallClock(zone);
  for (let h = 0; h <= 366 * 24; h += 12) seen.add(utcOffsetMinutes(zone, new Date(from.getTime() + h * 3_600_000), format));
  return [...seen].sort((a, b) => a - b);
}

const numbers = (field: string): number[] | undefined => (/^\d+(,\d+)*$/.test(field) ? field.split(",").map(Number) : undefined);
const mod = (n: number, m: number) => ((n % m) + m) % m;

/**
 * The same schedule in UTC for a zone `offset` minutes east of UTC, or undefined when one cron line
 * cannot say it. Handles plain minute/hour lists (with day-of-week shifts when runs cross midnight)
 * and `*` hours.
 */
export function toUtc(schedule: string, offset: number): string | undefined {
  const expr = DESCRIPTORS[schedule.trim()] ?? schedule.trim();
  const fields = expr.split(/\s+/);
  if (fields.length !== 5) return undefined;
  const [minute, hour, dom, month, dow] = fields;
  if (offset === 0) return expr;
  const minutes = numbers(minute);
  if (hour === "*") {
    if (offset % 60 === 0) return expr;
    return minutes ? [minutes.map((m) => mod(m - offset, 60)).join(","), hour, dom, month, dow].join(" ") : undefined;
  }
  const hours = numbers(hour);
  if (!minutes || !hours) return undefined;
  const runs = hours.flatMap((h) => minutes.map((m) => h * 60 + m - offset));
  const days = new Set(runs.map((t) => Math.floor(t / 1440)));
  const utcMinutes = [...new Set(runs.map((t) => mod(t, 60)))].sort((a, b) => a - b);
  const utcHours = [...new Set(runs.map((t) => Math.floor(mod(t, 1440) / 60)))].sort((a, b) => a - b);
  // One cron line is a cross product of minutes × hours on one day shift.
  if (days.size !== 1 || utcMinutes.length * utcHours.length !== new Set(runs.map((t) => mod(t, 1440))).size) return undefined;
  const shift = [...days][0];
  let utcDow = dow;
  if (shift !== 0) {
    if (dom !== "*" && dom !== "?") return undefined;
    if (dow !== "*" && dow !== "?") {
      const d = numbers(dow);
      if (!d) return undefined;
      utcDow = [...new Set(d.map((x) => mod(x + shift, 7)))].sort((a, b) => a - b).join(",");
    }
  }
  return [utcMinutes.join(","), utcHours.join(","), dom, month, utcDow].join(" ");
}

const fmtOffset = (m: number) => `UTC${m < 0 ? "-" : "+"}${String(Math.floor(Math.abs(m) / 60)).padStart(2, "0")}:${String(Math.abs(m) % 60).padStart(2, "0")}`;

/** The Velero schedule for `schedule` in `timeZone` (see the module comment for the rules). */
export function veleroSchedule(schedule: string, timeZone: string, now: Date = new Date()): VeleroSchedule {
  const offsets = offsetsOverYear(timeZone, now);
  const standard = offsets[0];
  const utc = toUtc(schedule, standard);
  if (utc === undefined) {
    return {
      cron: `CRON_TZ=${timeZone} ${schedule}`,
      warning: `velero: schedule "${schedule}" in ${timeZone} has no single-line UTC equivalent, so it keeps CRON_TZ=${timeZone}; `
        + "Velero 1.18's official image has no time-zone data and fails such a schedule (\"unknown time zone\", velero#9519). "
        + "Use plain minutes and hours in schedules.velero, or timeZone UTC.",
    };
  }
  if (offsets.length === 1) return { cron: utc };
  return {
    cron: utc,
    warning: `velero: ${timeZone} observes daylight saving time, and Velero 1.18's image has no time-zone data (velero#9519); `
      + `schedule "${schedule}" is rendered in UTC at standard time (${fmtOffset(standard)}) as "${utc}", so it runs an hour later by the wall clock while DST is in effect.`,
  };
}
