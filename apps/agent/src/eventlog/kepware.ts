// Reads the Kepware Configuration API's event log (issue 17) through the agent's shared HTTP
// wrapper: `GET <url>/config/v1/event_log?limit=&start=&end=` with HTTP Basic. The password is
// read from its file only here, at the moment of the request, and goes nowhere but the
// Authorization header. Field knowledge and what is uncertain: kepware-entries.ts.
import { readFileSync } from 'node:fs';
import type { RejectedEventEvidence } from '@cellfleet/core';
import type { EventLogConfig } from '@cellfleet/protocol';
import { createHttpClient, type HttpClient, HttpError } from '../http/client.ts';
import { rejectionsFrom, validEntries } from './kepware-entries.ts';

export interface EventLogRead {
  readonly now: number;
  /** How far back to look (default 7 days): a rejection older than that is not seen. */
  readonly lookbackMs?: number;
  /** Entries asked for (Kepware's default is 100). */
  readonly limit?: number;
}

export const EVENT_LOG_DEFAULTS = { lookbackMs: 7 * 86_400_000, limit: 500 } as const;

/** Kepware's query time: `YYYY-MM-DDTHH:mm:ss.sss`, UTC, no zone suffix. */
const kepwareTime = (ms: number) => new Date(ms).toISOString().slice(0, 23);

export function eventLogUrl(cfg: EventLogConfig, r: EventLogRead): string {
  const url = new URL(`${cfg.url.replace(/\/+$/, '')}/config/v1/event_log`);
  url.searchParams.set('limit', String(r.limit ?? EVENT_LOG_DEFAULTS.limit));
  url.searchParams.set('start', kepwareTime(r.now - (r.lookbackMs ?? EVENT_LOG_DEFAULTS.lookbackMs)));
  url.searchParams.set('end', kepwareTime(r.now + 60_000));
  return url.toString();
}

/** The password file's first line (a trailing newline is not part of it). */
function readPassword(file: string): string {
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n[\s\S]*$/, '');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new HttpError(`eventLog.passwordFile ${file}`, `cannot be read (${code})`);
  }
}

/** The refused client certificates the event log reports; throws an HttpError naming the endpoint. */
export async function readKepwareRejections(
  cfg: EventLogConfig,
  r: EventLogRead,
  http: HttpClient = createHttpClient(),
): Promise<RejectedEventEvidence[]> {
  const url = eventLogUrl(cfg, r);
  const body = await http.getJson({
    url,
    basic: { user: cfg.user, password: readPassword(cfg.passwordFile) },
  });
  const at = new URL(url);
  const endpoint = `GET ${at.origin}${at.pathname}`;
  if (!Array.isArray(body)) {
    const got = body === null ? 'null' : typeof body;
    throw new HttpError(endpoint, `expected a JSON array of event-log entries, got ${got}`);
  }
  const entries = validEntries(body);
  if (body.length > 0 && entries.length === 0)
    throw new HttpError(
      endpoint,
      `none of ${body.length} entries has a timestamp and a message: not an event log`,
    );
  return rejectionsFrom(entries);
}
