// The fault-history notebook of a cell: its probe results folded into stories. A failure opens
// an entry; a different diagnosis while open is a change; a success starts a watch (48 h by
// default); a failure during the watch reopens the same entry (a recurrence, not a new story);
// a watch that runs out closes it. An entry that keeps changing is marked as flapping and its
// changes are summarised instead of listed one by one.

export interface ProbePoint {
  readonly at: number;
  readonly endpoint: string;
  /** The cell client the probe ran as (issue 17): its own story, named by the client. */
  readonly client?: string;
  readonly ok: boolean;
  readonly code: string;
  readonly summary: string;
}

export type NotebookEventKind = 'opened' | 'changed' | 'recovered' | 'recurred';

export interface NotebookEvent {
  readonly at: number;
  readonly kind: NotebookEventKind;
  readonly code: string;
  readonly summary: string;
}

export interface NotebookEntry {
  readonly endpoint: string;
  /** Set when the story is about one of the cell's own clients rather than the agent's probe. */
  readonly client?: string;
  readonly openedAt: number;
  /** open: failing now; watching: recovered, under watch; closed: the watch ran out. */
  readonly status: 'open' | 'watching' | 'closed';
  readonly lastSeenFailing: number;
  readonly watchUntil: number | null;
  readonly closedAt: number | null;
  /** Distinct diagnosis codes in the order they first appeared. */
  readonly codes: string[];
  readonly recurrences: number;
  readonly flapping: boolean;
  readonly events: NotebookEvent[];
}

export interface NotebookOptions {
  readonly now: number;
  readonly watchMs?: number;
  /** More state changes than this in one entry marks it as flapping. */
  readonly flapThreshold?: number;
}

export const DEFAULT_WATCH_MS = 48 * 3600_000;

type Draft = { -readonly [K in keyof NotebookEntry]: NotebookEntry[K] } & {
  codes: string[];
  events: NotebookEvent[];
};

export function buildNotebook(points: readonly ProbePoint[], o: NotebookOptions): NotebookEntry[] {
  const watchMs = o.watchMs ?? DEFAULT_WATCH_MS;
  const flapThreshold = o.flapThreshold ?? 6;
  const done: Draft[] = [];
  const current = new Map<string, Draft>();
  const sorted = [...points].sort((a, b) => a.at - b.at);

  const close = (e: Draft) => {
    e.status = 'closed';
    e.closedAt = e.watchUntil;
    done.push(e);
  };

  for (const p of sorted) {
    const key = `${p.endpoint}\u0000${p.client ?? ''}`;
    let e = current.get(key);
    if (e?.status === 'watching' && e.watchUntil !== null && p.at > e.watchUntil) {
      close(e);
      current.delete(key);
      e = undefined;
    }
    const event = (kind: NotebookEventKind): NotebookEvent => ({
      at: p.at,
      kind,
      code: p.code,
      summary: p.summary,
    });
    if (!e) {
      if (p.ok) continue;
      e = {
        endpoint: p.endpoint,
        ...(p.client !== undefined ? { client: p.client } : {}),
        openedAt: p.at,
        status: 'open',
        lastSeenFailing: p.at,
        watchUntil: null,
        closedAt: null,
        codes: [p.code],
        recurrences: 0,
        flapping: false,
        events: [event('opened')],
      };
      current.set(key, e);
      continue;
    }
    if (p.ok) {
      if (e.status === 'open') {
        e.status = 'watching';
        e.watchUntil = p.at + watchMs;
        e.events.push(event('recovered'));
      }
      continue;
    }
    e.lastSeenFailing = p.at;
    if (!e.codes.includes(p.code)) e.codes.push(p.code);
    if (e.status === 'watching') {
      e.status = 'open';
      e.watchUntil = null;
      e.recurrences++;
      e.events.push(event('recurred'));
    } else if (e.events.at(-1)?.code !== p.code) e.events.push(event('changed'));
  }
  for (const e of current.values()) {
    if (e.status === 'watching' && e.watchUntil !== null && o.now > e.watchUntil) close(e);
    else done.push(e);
  }
  for (const e of done) e.flapping = e.events.length - 1 > flapThreshold;
  return done.sort((a, b) => b.openedAt - a.openedAt);
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

const STATUS_WORDS = { open: 'failing', watching: 'recovered, under watch', closed: 'closed' } as const;

/** The notebook as Markdown, newest story first. Flapping entries are summarised. */
export function notebookMarkdown(cellId: string, entries: readonly NotebookEntry[], now: number): string {
  const lines = [`# Fault history of ${cellId}`, '', `Exported ${iso(now)}. Newest first.`, ''];
  if (entries.length === 0) lines.push('No faults recorded: every probe so far succeeded.');
  for (const e of entries) {
    const who = e.client !== undefined ? `${e.endpoint} as ${e.client}` : e.endpoint;
    lines.push(`## ${who}: ${e.codes.join(' → ')} (${STATUS_WORDS[e.status]})`, '');
    lines.push(`- opened ${iso(e.openedAt)}; last seen failing ${iso(e.lastSeenFailing)}`);
    if (e.watchUntil !== null && e.status === 'watching')
      lines.push(`- under watch until ${iso(e.watchUntil)}`);
    if (e.closedAt !== null) lines.push(`- closed ${iso(e.closedAt)} after a quiet watch`);
    if (e.recurrences > 0)
      lines.push(`- recurred ${e.recurrences} time${e.recurrences === 1 ? '' : 's'} during the watch`);
    if (e.flapping) {
      const first = e.events[0]!;
      const last = e.events.at(-1)!;
      lines.push(
        `- flapping: ${e.events.length - 1} changes between ${iso(first.at)} and ${iso(last.at)} (${e.codes.join(', ')} and back to ok)`,
      );
      lines.push(
        '',
        `${iso(first.at)} opened: ${first.code}: ${first.summary}`,
        `${iso(last.at)} ${last.kind}: ${last.code}: ${last.summary}`,
      );
    } else {
      lines.push('');
      for (const ev of e.events) lines.push(`${iso(ev.at)} ${ev.kind}: ${ev.code}: ${ev.summary}`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
