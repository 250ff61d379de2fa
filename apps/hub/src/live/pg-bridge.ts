// Carries live `cells` events between hub replicas over PostgreSQL LISTEN/NOTIFY (PostgreSQL
// docs, NOTIFY: payloads under 8000 bytes, delivered to listeners when the sending transaction
// commits, in order per sender). One dedicated connection listens; it reconnects when the
// database restarts, so a replica never silently stops hearing the others. Each replica tags
// what it sends with its own id and ignores its own echo.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import type { CellsEvent, LiveBus } from './live.ts';

export const LIVE_CHANNEL = 'cellfleet_live';
/** NOTIFY's limit is 8000 bytes; stay well under it and split bigger events. */
const MAX_PAYLOAD = 7000;

export interface PgBridge {
  close(): Promise<void>;
}

/** Splits an event into payloads that fit NOTIFY (many cells in one batch). */
export function notifyPayloads(origin: string, e: CellsEvent): string[] {
  const out: string[] = [];
  let cells: string[] = [];
  const flush = () => {
    out.push(JSON.stringify({ origin, cells, kinds: e.kinds }));
    cells = [];
  };
  let size = JSON.stringify({ origin, cells: [], kinds: e.kinds }).length;
  const base = size;
  for (const c of e.cells) {
    if (size + c.length + 3 > MAX_PAYLOAD && cells.length > 0) {
      flush();
      size = base;
    }
    cells.push(c);
    size += c.length + 3;
  }
  if (cells.length > 0 || out.length === 0) flush();
  return out;
}

export function parsePayload(text: string): (CellsEvent & { origin: string }) | undefined {
  try {
    const v = JSON.parse(text) as { origin?: unknown; cells?: unknown; kinds?: unknown };
    const strings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');
    if (typeof v.origin !== 'string' || !strings(v.cells) || !strings(v.kinds)) return undefined;
    return { origin: v.origin, cells: v.cells, kinds: v.kinds };
  } catch {
    return undefined;
  }
}

export async function bridgeLiveBus(o: {
  readonly url: string;
  readonly pool: pg.Pool;
  readonly bus: LiveBus;
  readonly logger: Logger;
  readonly retryMs?: number;
}): Promise<PgBridge> {
  const origin = randomUUID();
  let closed = false;
  let listener: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;

  async function listen(): Promise<void> {
    const c = new pg.Client({ connectionString: o.url });
    c.on('notification', (n) => {
      const e = n.payload ? parsePayload(n.payload) : undefined;
      if (e && e.origin !== origin) o.bus.deliver({ cells: e.cells, kinds: e.kinds });
    });
    c.on('error', (err) => {
      o.logger.warn({ err: err.message }, 'live-update listener lost its database connection; reconnecting');
      void c.end().catch(() => {});
      schedule();
    });
    await c.connect();
    await c.query(`LISTEN ${LIVE_CHANNEL}`);
    listener = c;
  }
  function schedule(): void {
    listener = undefined;
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      listen().catch(() => schedule());
    }, o.retryMs ?? 1000);
    retry.unref();
  }

  await listen();
  const stopForwarding = o.bus.onPublish((e) => {
    for (const payload of notifyPayloads(origin, e))
      o.pool.query('SELECT pg_notify($1, $2)', [LIVE_CHANNEL, payload]).catch((err: Error) => {
        o.logger.warn({ err: err.message }, 'could not forward a live update to the other replicas');
      });
  });
  return {
    async close() {
      closed = true;
      stopForwarding();
      if (retry) clearTimeout(retry);
      await listener?.end().catch(() => {});
    },
  };
}
