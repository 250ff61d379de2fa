// Outliers and ties in words: "press-04: softwareVersion 6.14.263; 5 of 6 sisters have 6.16.1".
import type { Json } from '../canonical.ts';
import { isPresenceKey, keyLabel, namePath } from '../snapshot/keys.ts';
import { formatValue } from '../snapshot/words.ts';
import type { ValueClass } from './classes.ts';

export interface OutlierContext {
  readonly key: string;
  /** Number of sisters agreeing with the baseline (the outlier itself is never one of them). */
  readonly agreeing: number;
  /** Number of cells in the group (the brief words it "5 of 6 sisters"). */
  readonly sisters: number;
  readonly baseline: Json | undefined;
  readonly golden?: string;
}

const subject = (key: string): string => (isPresenceKey(key) ? namePath(key) : keyLabel(key));

function baselineWords(ctx: OutlierContext): string {
  const have = `${ctx.agreeing} of ${ctx.sisters} sister${ctx.sisters === 1 ? '' : 's'}`;
  const what =
    ctx.baseline === undefined
      ? 'do not have it'
      : isPresenceKey(ctx.key)
        ? 'have it'
        : `have ${formatValue(ctx.baseline)}`;
  if (ctx.golden === undefined) return `${have} ${what}`;
  const golden =
    ctx.baseline === undefined
      ? 'the golden snapshot does not have it'
      : `golden (${ctx.golden}) has ${formatValue(ctx.baseline)}`;
  return `${golden}; ${have} agree`;
}

export function outlierText(cell: string, value: Json | undefined, ctx: OutlierContext): string {
  const here =
    value === undefined
      ? 'missing'
      : isPresenceKey(ctx.key)
        ? `present (${formatValue(value)})`
        : formatValue(value);
  return `${cell}: ${subject(ctx.key)} ${here}; ${baselineWords(ctx)}`;
}

export function tieText(key: string, tied: readonly ValueClass[]): string {
  const parts = tied.map((c) => {
    const n = c.cells.length;
    return `${n} cell${n === 1 ? '' : 's'} ${c.value === undefined ? 'lack it' : `have ${formatValue(c.value)}`} (${c.cells.join(', ')})`;
  });
  return `${subject(key)}: tie, no majority: ${parts.join('; ')}`;
}

export function rowText(
  key: string,
  baseline: Json | undefined,
  agreeing: number,
  total: number,
  outliers: readonly string[],
): string {
  const base = baseline === undefined ? 'absent' : formatValue(baseline);
  return `${subject(key)}: ${base} on ${agreeing} of ${total} cells; differs on ${outliers.join(', ')}`;
}
