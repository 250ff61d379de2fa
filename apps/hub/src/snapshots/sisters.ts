// Who is a sister of whom comes from enrollment: the hub, not the agent, decides a cell's
// sister group. The hub's services and the compare command read groups the same way.
import type { CellStore } from '../cells/store.ts';
import type { SisterDirectory } from './service.ts';

export const enrolledSisters = (
  cells: Pick<CellStore, 'cellsInGroup' | 'getEnrollment'>,
): SisterDirectory => ({
  cellsInGroup: (group) => cells.cellsInGroup(group),
  groupOf: async (cell) => (await cells.getEnrollment(cell))?.sisterGroup,
});
