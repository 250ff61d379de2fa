// Action parameters: the schema (in @cellfleet/protocol) checks shapes; this adds the rules a
// schema cannot say, and which types only read.

import type { ActionType } from '@cellfleet/protocol';
import {
  compileChecker,
  type FieldIssue,
  type TypedParams,
  TypedParams as TypedParamsSchema,
} from '@cellfleet/protocol';

/** Read-only types change nothing on the cell: no window needed, but still audited. */
export const READ_ONLY_TYPES: ReadonlySet<ActionType> = new Set(['probe-now', 'snapshot-now']);

export function isReadOnly(type: ActionType): boolean {
  return READ_ONLY_TYPES.has(type);
}

const checker = compileChecker<TypedParams>(TypedParamsSchema);

/** Problems with a `{ type, params }` pair; empty when it may be proposed. */
export function actionParamsIssues(value: unknown): FieldIssue[] {
  if (!checker.check(value)) return checker.issues(value);
  if (value.type === 'write-parameters') {
    const seen = new Set<string>();
    for (const [i, w] of value.params.writes.entries()) {
      // Two writes to one variable make the outcome depend on order: refuse the ambiguity.
      if (seen.has(w.path)) return [{ field: `params.writes[${i}].path`, reason: 'is written twice' }];
      seen.add(w.path);
    }
  }
  return [];
}
