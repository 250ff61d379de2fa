// Maintenance windows: when an action may run. Recurring windows are wall-clock times in an
// IANA zone ("daily 02:00–04:00 Europe/Berlin"), so they follow DST. The rule: a window is
// open at every instant whose wall-clock reading lies in [start, end), taken as one span.
// On the night the clock skips 02:00–03:00 a 02:00–04:00 window is 03:00–04:00 (one hour);
// on the night it repeats 02:00–03:00 it runs from the first 02:00 to 04:00 (three hours);
// a 02:00–02:30 window does not open at all on the night 02:00–03:00 is skipped.
import type { TimeRange, WindowSpec } from '@cellfleet/protocol';
import { DAY, fromLocal, HOUR, isoWeekday, isValidTimeZone, localDay, MINUTE, toLocal } from './zoned.ts';

type Recurring = Extract<WindowSpec, { kind: 'daily' | 'weekly' }>;

function clockMs(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * HOUR + m * MINUTE;
}

/** The occurrence opening on local day `day`, or undefined when the spec skips that day. */
function occurrenceOn(spec: Recurring, day: number): TimeRange | undefined {
  if (spec.kind === 'weekly' && !spec.days.includes(isoWeekday(day))) return undefined;
  const startClock = clockMs(spec.start);
  const endClock = clockMs(spec.end);
  // An end at or before the start runs past midnight (22:00–02:00; 00:00–00:00 is a full day).
  const endDay = endClock <= startClock ? day + 1 : day;
  const start = fromLocal(spec.timeZone, day * DAY + startClock);
  const end = fromLocal(spec.timeZone, endDay * DAY + endClock, 'later');
  return end > start ? { start, end } : undefined;
}

/**
 * The window occurrence that contains `now`, else the next one to open; undefined when an
 * explicit window is over (or a recurring spec never opens).
 */
export function nextWindow(spec: WindowSpec, now: number): TimeRange | undefined {
  if (spec.kind === 'explicit') return now < spec.end && spec.end > spec.start ? spec : undefined;
  const today = localDay(toLocal(spec.timeZone, now));
  // From yesterday (an overnight window may still be open) through a full week ahead.
  for (let day = today - 1; day <= today + 8; day++) {
    const occ = occurrenceOn(spec, day);
    if (occ && occ.end > now) return occ;
  }
  return undefined;
}

export function isInWindow(spec: WindowSpec, t: number): boolean {
  const occ = nextWindow(spec, t);
  return occ !== undefined && occ.start <= t && t < occ.end;
}

/** Why a spec cannot be used, or undefined. The schema has checked the shapes already. */
export function windowSpecProblem(spec: WindowSpec): string | undefined {
  if (spec.kind === 'explicit') return spec.end > spec.start ? undefined : 'end must be after start';
  if (!isValidTimeZone(spec.timeZone)) return `unknown time zone "${spec.timeZone}"`;
  if (spec.kind === 'weekly' && new Set(spec.days).size !== spec.days.length) return 'days repeat';
  return undefined;
}

const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

function parseDays(text: string): number[] | undefined {
  const days = new Set<number>();
  for (const part of text.toLowerCase().split(',')) {
    const [from, to] = part.split('-').map((d) => DAY_NAMES.indexOf(d.slice(0, 3)) + 1);
    if (!from || (to !== undefined && !to)) return undefined;
    const last = to ?? from;
    // A range like sat-mon wraps around the week.
    for (let d = from, n = 0; n < 7; d = (d % 7) + 1, n++) {
      days.add(d);
      if (d === last) break;
    }
  }
  return [...days].sort((a, b) => a - b);
}

/**
 * Parses the short form used in configs and the CLI:
 * `daily 02:00-04:00 Europe/Berlin`, `weekly sat,sun 22:00-02:00 UTC`, `weekly mon-fri 12:00–13:00 …`.
 */
export function parseWindowSpec(
  text: string,
): { ok: true; spec: WindowSpec } | { ok: false; message: string } {
  const words = text.trim().split(/\s+/);
  const kind = words[0]?.toLowerCase();
  const [daysText, range, timeZone] = kind === 'weekly' ? words.slice(1) : [undefined, ...words.slice(1)];
  const times = /^(\d{2}:\d{2})[-–](\d{2}:\d{2})$/.exec(range ?? '');
  const clock = /^([01]\d|2[0-3]):[0-5]\d$/;
  const fail = (message: string) => ({ ok: false as const, message: `"${text}": ${message}` });
  if ((kind !== 'daily' && kind !== 'weekly') || words.length !== (kind === 'weekly' ? 4 : 3))
    return fail('expected "daily HH:MM-HH:MM ZONE" or "weekly DAYS HH:MM-HH:MM ZONE"');
  if (!times || !clock.test(times[1]!) || !clock.test(times[2]!)) return fail('times must be HH:MM-HH:MM');
  const base = { start: times[1]!, end: times[2]!, timeZone: timeZone! };
  let spec: WindowSpec = { kind: 'daily', ...base };
  if (kind === 'weekly') {
    const days = parseDays(daysText ?? '');
    if (!days) return fail('days must be like mon,wed or mon-fri');
    spec = { kind: 'weekly', days, ...base };
  }
  const problem = windowSpecProblem(spec);
  return problem ? fail(problem) : { ok: true, spec };
}

export function describeWindow(spec: WindowSpec): string {
  if (spec.kind === 'explicit')
    return `${new Date(spec.start).toISOString()} – ${new Date(spec.end).toISOString()}`;
  const days = spec.kind === 'weekly' ? ` ${spec.days.map((d) => DAY_NAMES[d - 1]).join(',')}` : '';
  return `${spec.kind}${days} ${spec.start}–${spec.end} ${spec.timeZone}`;
}
