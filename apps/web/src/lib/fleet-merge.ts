// Applying a live event's cells to the fleet the page holds: the hub answers the cells the event
// named (GET /api/cells?ids=), and only those change. A named cell the hub no longer lists was
// deleted; one the page did not have yet was enrolled. Cells not named keep their objects, so
// keyed lists reuse what they drew for them.

/** The fewest properties a fleet row needs here. */
export interface Placed {
  readonly id: string;
  readonly site: string;
  readonly line: string;
  readonly cell: string;
}

/** The hub's order for the fleet: site, line, cell, compared as plain text. */
export const placeOrder = (a: Placed, b: Placed): number => {
  const ka = `${a.site}\u0000${a.line}\u0000${a.cell}`;
  const kb = `${b.site}\u0000${b.line}\u0000${b.cell}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

/** `current` with the `asked` cells replaced by the hub's `answer` (removed where it has none). */
export function mergeCells<T extends Placed>(
  current: readonly T[],
  asked: Iterable<string>,
  answer: readonly T[],
): T[] {
  const fresh = new Map(answer.map((c) => [c.id, c]));
  const gone = new Set(asked);
  const out: T[] = [];
  for (const c of current) {
    const next = fresh.get(c.id);
    if (next) {
      out.push(next);
      fresh.delete(c.id);
    } else if (!gone.has(c.id)) out.push(c);
  }
  if (fresh.size === 0) return out;
  return [...out, ...fresh.values()].sort(placeOrder);
}
