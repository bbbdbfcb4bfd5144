/**
 * Validators for the values that go into the etcd-offload timer: a systemd calendar event
 * (`OnCalendar=`) and time span (`RandomizedDelaySec=`), with systemd's grammar
 * (systemd.time(7)); test/unit/config/systemd.test.ts holds them against `systemd-analyze`
 * itself on a table of valid and invalid values, so where we accept, systemd accepts.
 */
import { z } from "zod";

const SPAN_UNITS = ["usec", "us", "µs", "msec", "ms", "seconds", "second", "sec", "s", "minutes", "minute", "min", "m", "hours", "hour", "hr", "h", "days", "day", "d", "weeks", "week", "w", "months", "month", "M", "years", "year", "y"];
const SPAN = new RegExp(`^\\s*\\d+(\\.\\d+)?\\s*(${SPAN_UNITS.join("|")})?(\\s*\\d+(\\.\\d+)?\\s*(${SPAN_UNITS.join("|")}))*\\s*$`);

/** Why `value` is not a systemd time span (e.g. 15min, 1h 30min, 90), or undefined. */
export function timespanProblem(value: string): string | undefined {
  return SPAN.test(value) ? undefined : `"${value}" is not a systemd time span (e.g. 15min, 1h 30min, 90s)`;
}

const SHORTHANDS = ["minutely", "hourly", "daily", "monthly", "weekly", "yearly", "annually", "quarterly", "semiannually"];
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/** A calendar component: `*`, or values/ranges (`a..b`) with an optional repetition (`/n`, n > 0), comma-separated. */
function componentOk(c: string, min: number, max: number, decimals = false): boolean {
  const num = decimals ? "\\d+(?:\\.\\d+)?" : "\\d+";
  return c.split(",").every((item) => {
    const m = new RegExp(`^(?:\\*|(?<lo>${num})(?:\\.\\.(?<hi>${num}))?)(?:/(?<step>${num}))?$`).exec(item);
    if (!m?.groups) return false;
    const { lo, hi, step } = m.groups;
    if (step !== undefined && Number(step) === 0) return false;
    if (lo === undefined) return true;
    return Number(lo) >= min && Number(hi ?? lo) <= max && Number(lo) <= Number(hi ?? lo);
  });
}

function weekdaysOk(token: string): boolean {
  return token.split(",").every((item) => item.split("..").length <= 2 && item.split("..").every((d) => DAYS.includes(d.toLowerCase())));
}

function dateOk(token: string): boolean {
  // `~` (last days of the month) stands in place of the dash before the day.
  const parts = token.replace("~", "-~").split("-");
  if (parts.length === 3) return (parts[0] === "*" || componentOk(parts[0], 1970, 2199)) && componentOk(parts[1], 1, 12) && componentOk(parts[2].replace(/^~/, ""), 1, 31);
  if (parts.length === 2) return componentOk(parts[0], 1, 12) && componentOk(parts[1].replace(/^~/, ""), 1, 31);
  return false;
}

function timeOk(token: string): boolean {
  const parts = token.split(":");
  if (parts.length < 2 || parts.length > 3) return false;
  return componentOk(parts[0], 0, 23) && componentOk(parts[1], 0, 59) && (parts.length === 2 || componentOk(parts[2], 0, 59, true));
}

function zoneOk(token: string): boolean {
  if (token === "UTC") return true;
  if (!/^[A-Za-z]+\/[A-Za-z_/+-]+$/.test(token)) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: token });
    return true;
  } catch {
    return false;
  }
}

/** Why `value` is not a systemd calendar event (`hourly`, `*-*-* *:00:00`, `Mon..Fri 02:30`), or undefined. */
export function calendarProblem(value: string): string | undefined {
  const bad = `"${value}" is not a systemd calendar event (e.g. hourly, *:00, Mon..Fri 02:30, *-*-* 04:00:00 UTC)`;
  const tokens = value.trim().split(/\s+/).filter(Boolean);
  if (tokens.length === 1 && SHORTHANDS.includes(tokens[0])) return undefined;
  if (tokens.length === 0 || tokens.length > 4) return bad;
  let i = 0;
  if (/^[A-Za-z]/.test(tokens[i]) && weekdaysOk(tokens[i])) i++;
  if (i < tokens.length && tokens[i].includes("-") && !tokens[i].includes(":") && dateOk(tokens[i])) i++;
  if (i < tokens.length && tokens[i].includes(":") && timeOk(tokens[i])) i++;
  if (i > 0 && i === tokens.length - 1 && zoneOk(tokens[i])) i++;
  return i === tokens.length && i > 0 ? undefined : bad;
}

export const calendarSchema = z.string().superRefine((v, ctx) => {
  const p = calendarProblem(v);
  if (p) ctx.addIssue({ code: "custom", message: p });
});
export const timespanSchema = z.string().superRefine((v, ctx) => {
  const p = timespanProblem(v);
  if (p) ctx.addIssue({ code: "custom", message: p });
});
