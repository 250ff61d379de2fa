// Who is a sister of whom comes from enrollment: the hub, not the agent, decides a cell's
// sister group. The hub's services and the compare command read groups the same way.
import type { CellStore } from '../cells/store.ts';
import type { SisterDirectory } from './service.ts';

export const enrolledSisters = (cells: Pick<CellStore, 'listCells' | 'getEnrollment'>): SisterDirectory => ({
  cellsInGroup: async (group) =>
    (await cells.listCells()).filter((c) => c.sisterGroup === group).map((c) => c.id),
  groupOf: async (cell) => (await cells.getEnrollment(cell))?.sisterGroup,
});
