// When the agent gives up on a probe host (issue 12). Wall time alone is not enough: on a
// machine whose cores are taken by other work a sound host can be starved past its probe's
// timeout, and stopping it then turns the server's true diagnosis (say handshake-timeout) into
// a protocol-violation. So a working host beats every HEARTBEAT_MS, and it counts as stalled
// only when its probe is past timeout + grace AND it has been silent for a while; a host that
// keeps beating but never answers is stopped at the hang guard all the same.

/** How often a host that is working on a probe says so. */
export const HEARTBEAT_MS = 250;

/** Silence, in ms, that makes a host past its deadline count as stalled: never under 1 s. */
export const silenceLimitMs = (graceMs: number): number => Math.max(graceMs, 1000);

/** Twice the probe's timeout plus grace: past it even a beating host is stopped. */
export const hangGuardMs = (timeoutMs: number, graceMs: number): number => 2 * timeoutMs + graceMs;

export interface HostWatch {
  /** Since the probe was handed to the host, ms. */
  readonly elapsedMs: number;
  /** Since the host last sent anything (a heartbeat, progress), ms. */
  readonly silentMs: number;
  readonly timeoutMs: number;
  readonly graceMs: number;
}

export type HostVerdict = 'working' | 'stalled' | 'hung';

export function judgeHost(w: HostWatch): HostVerdict {
  if (w.elapsedMs > hangGuardMs(w.timeoutMs, w.graceMs)) return 'hung';
  if (w.elapsedMs > w.timeoutMs + w.graceMs && w.silentMs >= silenceLimitMs(w.graceMs)) return 'stalled';
  return 'working';
}
