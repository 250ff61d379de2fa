// Natural order for names people give things: group-2 before group-10, Line-A beside line-a.
// Intl.Collator's numeric option does the digit runs (ECMA-402 §10.1), so nothing hand-parsed.
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Compares two names naturally; ties broken by plain code-unit order so the sort is total. */
export function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

export const naturalSort = (names: Iterable<string>): string[] => [...names].sort(naturalCompare);
