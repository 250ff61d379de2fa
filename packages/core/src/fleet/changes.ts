// The fleet change feed's paging (issue 16, item 4): changes come from several stores (drift,
// version and certificate history, the audit log), each read newest first and at most one
// more than a page (so a full source shows that more is left); they are merged into one page. The cursor is a time: the next page asks for changes
// strictly before it, so a page never ends between two changes of the same millisecond
// (else the next page would skip the rest of them).

export interface Timed {
  readonly at: number;
  readonly id: string;
}

export interface Page<T> {
  readonly items: T[];
  /** `before` for the next page; null when nothing older is left in the range. */
  readonly next: number | null;
}

const newestFirst = (a: Timed, b: Timed) => b.at - a.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Merges the sources' newest-first lists into one page of at most `limit` (each source read with
 * `limit + 1`, so the page is exact). When the page is full, the changes sharing the
 * last one's millisecond move to the next page, unless they alone fill it (then all of them stay
 * and the page is longer than `limit`).
 */
export function mergePage<T extends Timed>(sources: readonly (readonly T[])[], limit: number): Page<T> {
  const all = sources.flat().sort(newestFirst);
  if (all.length <= limit) return { items: all, next: null };
  const edge = all[limit - 1]!.at;
  if (all[limit]!.at !== edge) return { items: all.slice(0, limit), next: edge };
  const cut = all.findIndex((c) => c.at === edge);
  // Times are whole milliseconds: before edge + 1 is "at or before edge".
  if (cut > 0) return { items: all.slice(0, cut), next: edge + 1 };
  const through = all.findIndex((c) => c.at !== edge);
  return through < 0
    ? { items: all, next: null }
    : { items: all.slice(0, through), next: all[through - 1]!.at };
}
