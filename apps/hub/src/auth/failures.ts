// Failed sign-ins, audited in aggregate (issue 12, finding 2): a spray must not write one audit
// row per attempt under names it chose. Failures are counted per (account, source address) and
// interval: the first of an interval is written at once (an admin sees an attack start), the
// rest as one row with their count when the interval ends. A name nobody has is written as
// `user:(unknown)`, never as typed; past `maxKeys` pairs in one interval, further failures fold
// into one `(many)` row. So an interval writes at most 2 × (maxKeys + 1) rows, whatever is sent.
import type { AuditInput } from '../audit/log.ts';

export const UNKNOWN_USER = '(unknown)';

export interface FailureTally {
  /** Counts one failure; returns the row to write now when it is the first of its pair's interval. */
  note(user: string | undefined, source: string, at: number): AuditInput | undefined;
  /** Rows for the pairs whose interval ended by `at` (every pair, with `Infinity`), forgotten after. */
  due(at: number): AuditInput[];
  /** A right password ends its account's intervals: their rows now, and the next failure is written at once. */
  close(user: string): AuditInput[];
}

interface Pair {
  readonly subject: string;
  readonly source: string;
  readonly since: number;
  count: number;
  last: number;
}

export function createFailureTally(o: { intervalMs: number; maxKeys: number }): FailureTally {
  const pairs = new Map<string, Pair>();
  const row = (p: Pair, count: number): AuditInput => ({
    actor: 'anonymous',
    event: 'auth.login-failed',
    subject: p.subject,
    data: { source: p.source, count, since: p.since, last: p.last },
  });
  const closeWhere = (ended: (p: Pair) => boolean): AuditInput[] => {
    const out: AuditInput[] = [];
    for (const [key, p] of pairs) {
      if (!ended(p)) continue;
      pairs.delete(key);
      // The first failure was written when it happened; this row carries the others.
      if (p.count > 1) out.push(row(p, p.count - 1));
    }
    return out;
  };
  return {
    note(user, source, at) {
      let subject = `user:${user ?? UNKNOWN_USER}`;
      let from = source;
      let key = `${subject}\u0000${from}`;
      if (!pairs.has(key) && pairs.size >= o.maxKeys) {
        subject = `user:${UNKNOWN_USER}`;
        from = '(many)';
        key = `${subject}\u0000${from}`;
      }
      const p = pairs.get(key);
      if (p) {
        p.count++;
        p.last = at;
        return undefined;
      }
      const fresh: Pair = { subject, source: from, since: at, count: 1, last: at };
      pairs.set(key, fresh);
      return row(fresh, 1);
    },
    due: (at) => closeWhere((p) => at - p.since >= o.intervalMs),
    close: (user) => closeWhere((p) => p.subject === `user:${user}`),
  };
}
