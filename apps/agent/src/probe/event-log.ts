// The server's event log as probe evidence (issue 17): read through the shared HTTP wrapper with
// a budget that fits inside a probe, and never a reason for the probe itself to fail: an
// unreadable log is reported as `eventLogError` (its message names the endpoint, never the
// password).
import type { RejectedEventEvidence } from '@cellfleet/core';
import type { EventLogConfig } from '@cellfleet/protocol';
import { readKepwareRejections } from '../eventlog/kepware.ts';
import { createHttpClient } from '../http/client.ts';

/** One wrapper per probe host, so a server's Retry-After holds across its probes. */
const http = createHttpClient({ policy: { timeoutMs: 3000, deadlineMs: 6000, maxServerWaitMs: 3000 } });

export async function serverEventLog(
  cfg: EventLogConfig,
): Promise<{ serverRejectedEvents: RejectedEventEvidence[] } | { eventLogError: string }> {
  try {
    return { serverRejectedEvents: await readKepwareRejections(cfg, { now: Date.now() }, http) };
  } catch (err) {
    return { eventLogError: `event log not read: ${(err as Error).message}`.slice(0, 512) };
  }
}
