// Online/offline from births and deaths, after Sparkplug B's bdSeq rule: every agent
// connection has a session number; a death only counts for the session it was registered in
// (or a newer one), so a Will delivered late for an old connection cannot mark a live agent
// offline, and an old birth replayed from an outbox cannot resurrect a dead one.

export interface Liveness {
  readonly online: boolean;
  readonly session: number;
  /** When `online` last changed (ms); null before the first birth. */
  readonly since: number | null;
}

export type LivenessEvent =
  | { readonly kind: 'birth'; readonly session: number; readonly at: number }
  | { readonly kind: 'death'; readonly session: number; readonly at: number };

export const NEVER_SEEN: Liveness = { online: false, session: 0, since: null };

export function applyLiveness(current: Liveness, event: LivenessEvent): Liveness {
  if (event.session < current.session) return current; // stale: from an older connection
  const sameSession = event.session === current.session;
  if (event.kind === 'birth') {
    // Same session: either a resend while online, or a late birth of a connection whose
    // death was already seen. Neither changes anything.
    if (sameSession) return current;
    return { online: true, session: event.session, since: event.at };
  }
  if (sameSession && !current.online) return current;
  return { online: false, session: event.session, since: event.at };
}
