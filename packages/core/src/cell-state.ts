// How each message kind changes a cell's state at the hub: one pure fold, shared by every
// database the hub runs on (the store reads the cell's liveness, folds the batch's new
// messages in order, and writes the change back). Kinds that do not touch the cell's state
// (snapshots, action results) are kept by their own services; the exhaustive switch makes the
// compiler name a new kind until someone decides what it does here.
import type { BuildInfo, EndpointRef, Envelope, HealthBody, LastProbe } from '@cellfleet/protocol';
import { applyLiveness, type Liveness } from './liveness.ts';

/** What a batch changed on one cell; an absent field is left as it was. */
export interface CellChange {
  readonly liveness: Liveness;
  readonly agentVersion?: string;
  readonly endpoints?: readonly EndpointRef[];
  readonly lastProbe?: LastProbe;
  readonly buildInfo?: BuildInfo;
  readonly health?: HealthBody;
  /** The hub's clock when the agent was last heard from (any message but a death). */
  readonly lastSeen?: number;
  /** The last message's ts minus the hub's clock, when outside CLOCK_WINDOW; 0 inside it. */
  readonly clockSkewMs?: number;
}

/**
 * How far an envelope's `ts` (the agent's clock) may stray from the hub's clock before the cell
 * is reported as skewed (issue 12, finding 7). Ahead: no message comes from the future, so more
 * than 5 minutes ahead is a fast clock. Behind: an outbox rightly holds messages for days (the
 * agent's outbox.maxAgeMs, 7 days by default), so only a `ts` over a year old is a clock, not
 * a backlog. A skewed message is stored all the same (nothing an agent sends is lost over its
 * clock); the skew is kept on the cell for people to see, and the hub's own clock stands in
 * for the agent's where the cell's state needs a time (a birth's "online since").
 */
export const CLOCK_WINDOW = { aheadMs: 5 * 60_000, behindMs: 366 * 86_400_000 } as const;

/** `ts − receivedAt` when that is outside CLOCK_WINDOW, else 0. */
export function clockSkewOf(ts: number, receivedAt: number): number {
  const d = ts - receivedAt;
  return d > CLOCK_WINDOW.aheadMs || d < -CLOCK_WINDOW.behindMs ? d : 0;
}

/** A probe message's body as the cell's "last probe" (the full body goes to the probe history). */
export function lastProbeOf(m: Envelope<'probe'>): LastProbe {
  const b = m.body;
  return {
    endpoint: b.endpoint,
    url: b.url,
    ok: b.ok,
    at: b.startedAt,
    durationMs: b.durationMs,
    diagnosis: b.diagnosis,
    findings: b.findings,
    steps: b.steps,
    ...(b.client
      ? { client: b.client.name, ...(b.client.label ? { clientLabel: b.client.label } : {}) }
      : {}),
    ...(b.vendorDetection
      ? {
          platform: {
            vendor: b.vendorDetection.vendor,
            ...(b.vendorDetection.product ? { product: b.vendorDetection.product } : {}),
          },
        }
      : b.vendor
        ? { platform: { vendor: b.vendor } }
        : {}),
  };
}

/** Folds one new message into the change so far; messages are folded in the order stored. */
export function applyMessage(change: CellChange, m: Envelope, receivedAt: number): CellChange {
  // A death's ts is its connection's start (the Will is written then), so it says nothing of
  // the clock now.
  const skew = clockSkewOf(m.ts, receivedAt);
  const seen: CellChange =
    m.kind === 'death' ? change : { ...change, lastSeen: receivedAt, clockSkewMs: skew };
  switch (m.kind) {
    case 'birth':
      return {
        ...seen,
        // Online since the agent's clock says, unless that is later than the hub heard of it,
        // or the clock is skewed: then since the hub received the birth.
        liveness: applyLiveness(change.liveness, {
          kind: 'birth',
          session: m.session,
          at: skew === 0 ? Math.min(m.ts, receivedAt) : receivedAt,
        }),
        agentVersion: m.body.agentVersion,
        endpoints: m.body.endpoints,
      };
    case 'death':
      // A death's envelope was written when the connection opened (it is the Last Will);
      // the hub's clock says when the connection died.
      return {
        ...seen,
        liveness: applyLiveness(change.liveness, { kind: 'death', session: m.session, at: receivedAt }),
      };
    case 'probe': {
      const buildInfo = m.body.server?.buildInfo;
      // A client probe reports the client's view of the server, not the server's build.
      const own = m.body.client === undefined && buildInfo ? { buildInfo } : {};
      return { ...seen, lastProbe: headlineProbe(change.lastProbe, lastProbeOf(m)), ...own };
    }
    case 'health':
      return { ...seen, health: m.body };
    case 'capture':
    case 'snapshot-hash':
    case 'snapshot-delta':
    case 'snapshot-chunk':
    case 'action-result':
      return seen;
    case 'ack':
    case 'action':
    case 'snapshot-resend':
      // Hub → agent kinds never reach the hub's ingest (it refuses down channels).
      return change;
    default:
      return unhandled(m);
  }
}

/** Which endpoint, or which client of it, a probe speaks for. */
const probeKey = (p: LastProbe) => `${p.endpoint}\u0000${p.client ?? ''}`;

/**
 * The probe a cell is shown by (issue 17). A failure stays the headline until the same
 * endpoint or client reports again, so a refused plant client faults the cell even when the
 * agent's own probe, sent in the same cycle, passes; `failingSince` counts from its first
 * failure without a pass in between.
 */
export function headlineProbe(prev: LastProbe | undefined, next: LastProbe): LastProbe {
  const same = prev !== undefined && probeKey(prev) === probeKey(next);
  if (prev && !prev.ok && next.ok && !same) return prev;
  if (next.ok) return next;
  const since = same && !prev.ok ? (prev.failingSince ?? prev.at) : next.at;
  return { ...next, failingSince: since };
}

/**
 * Folds a batch's new messages of one cell, starting from its stored liveness and headline
 * probe (the probe is left out of the change unless a message changed it).
 */
export function foldCell(
  liveness: Liveness,
  messages: readonly Envelope[],
  receivedAt: number,
  lastProbe?: LastProbe,
): CellChange {
  const start: CellChange = { liveness, ...(lastProbe ? { lastProbe } : {}) };
  return messages.reduce<CellChange>((c, m) => applyMessage(c, m, receivedAt), start);
}

function unhandled(m: never): never {
  throw new Error(`no cell-state rule for message kind ${(m as { kind: string }).kind}`);
}
