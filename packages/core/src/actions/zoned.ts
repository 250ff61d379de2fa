// Wall-clock arithmetic in IANA time zones with nothing but Intl.DateTimeFormat (no tz library,
// no host zone). Local times are handled as "local milliseconds": the instant the wall-clock
// reading would be if the zone were UTC.

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

// Building a DateTimeFormat costs far more than using one; windows are evaluated on every tick.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      // h23: some engines print midnight as "24" with hour12:false.
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Milliseconds to add to the UTC instant `t` to get the wall-clock reading in `timeZone`. */
export function zoneOffset(timeZone: string, t: number): number {
  const parts = formatter(timeZone).formatToParts(t);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return local - Math.floor(t / 1000) * 1000;
}

/** The wall-clock reading of instant `t` as local milliseconds. */
export function toLocal(timeZone: string, t: number): number {
  return t + zoneOffset(timeZone, t);
}

/**
 * The instant a wall-clock reading denotes. In a fall-back overlap the reading happens twice:
 * `prefer` picks the earlier or the later instant. In a spring-forward gap it never happens:
 * the result is the moment the clock jumps (02:30 on the night Berlin skips 02:00–03:00 gives
 * 03:00 CEST), so a window never gains time the clock skipped.
 */
export function fromLocal(timeZone: string, local: number, prefer: 'earlier' | 'later' = 'earlier'): number {
  // Real zones change offset at most once within two days, so the offsets a day either side
  // are the only candidates.
  const before = zoneOffset(timeZone, local - DAY);
  const after = zoneOffset(timeZone, local + DAY);
  const matches = [local - before, local - after].filter((u) => u + zoneOffset(timeZone, u) === local);
  if (matches.length > 0) return prefer === 'earlier' ? Math.min(...matches) : Math.max(...matches);
  return transitionBetween(timeZone, local - after, local - before);
}

/** The instant in (lo, hi] where the offset changes; transitions fall on whole seconds. */
function transitionBetween(timeZone: string, lo: number, hi: number): number {
  const offsetLo = zoneOffset(timeZone, lo);
  let a = lo;
  let b = hi;
  while (b - a > 1000) {
    const mid = Math.floor((a + b) / 2);
    if (zoneOffset(timeZone, mid) === offsetLo) a = mid;
    else b = mid;
  }
  return Math.floor(b / 1000) * 1000;
}

/** Days since 1970-01-01 of a local-milliseconds value. */
export function localDay(local: number): number {
  return Math.floor(local / DAY);
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a day number; 1970-01-01 was a Thursday. */
export function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}
