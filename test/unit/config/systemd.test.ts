/**
 * The timer's OnCalendar= and RandomizedDelaySec= validators agree with systemd itself: every value
 * in the tables is run through `systemd-analyze calendar` / `timespan` (systemd 252), and our
 * verdict must equal systemd's. An operator's typo is refused at preview, not by the node.
 */
import { calendarProblem, timespanProblem } from "../../../config/systemd";
import { run } from "../../support/proc";

const CALENDARS = [
  "hourly", "daily", "weekly", "minutely", "quarterly", "*:00", "*:0/15", "*-*-* *:00:00", "*-*-* 04:00:00", "Mon..Fri 02:30",
  "Sat,Sun 03:15", "*-*-* 04:00:00 UTC", "*-*-* 04:00 America/Sao_Paulo", "2026-12-24", "*-*-01 00:00", "*-*~01 00:00",
  "12-24 18:00", "00/2:00", "0..6:30", "Mon *-*-* 00:00:00",
  // invalid
  "hourlyy", "every hour", "25:00", "*:60", "Mon..Funday 02:30", "*-13-01 00:00", "*-*-* 04:00:00 Mars/Olympus", "", "0 * * * *", "*:0/0",
];
const SPANS = ["15min", "1h", "90", "90s", "1h 30min", "1h30min", "2d", "500ms", "1.5h", "3 weeks", "15 min", "15mins", "quarter", "", "-5min", "1h and 5m", "15 minutes"];

const systemdAccepts = (verb: string, value: string) => run("systemd-analyze", [verb, value]).status === 0;

describe("systemd calendar events (OnCalendar=)", () => {
  it.each(CALENDARS)("%j: our verdict is systemd-analyze's", (value) => {
    expect({ value, ours: calendarProblem(value) === undefined }).toEqual({ value, ours: systemdAccepts("calendar", value) });
  });

  it("the table has both verdicts, and the message names the field's form", () => {
    expect(CALENDARS.filter((v) => calendarProblem(v) === undefined).length).toBeGreaterThan(10);
    expect(CALENDARS.filter((v) => calendarProblem(v) !== undefined).length).toBeGreaterThan(5);
    expect(calendarProblem("0 * * * *")).toBe('"0 * * * *" is not a systemd calendar event (e.g. hourly, *:00, Mon..Fri 02:30, *-*-* 04:00:00 UTC)');
  });
});

describe("systemd time spans (RandomizedDelaySec=)", () => {
  it.each(SPANS)("%j: our verdict is systemd-analyze's", (value) => {
    expect({ value, ours: timespanProblem(value) === undefined }).toEqual({ value, ours: systemdAccepts("timespan", value) });
  });

  it("refuses a cron-ish or worded delay with the example forms", () => {
    expect(timespanProblem("quarter")).toBe('"quarter" is not a systemd time span (e.g. 15min, 1h 30min, 90s)');
  });
});
