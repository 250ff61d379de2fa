// Propose a write-parameters action from snapshot data, the two
// ways the issue names: align the cell with its sisters' baseline, or restore a snapshot. The
// action then follows the normal path (approval by someone else, window, signed dispatch).
import { type Actor, alignWrites, type ProposedWrites, restoreWrites } from '@cellfleet/core';
import type { ProposeFromSnapshotsRequest } from '@cellfleet/protocol';
import type { CellStore } from '../cells/store.ts';
import { AppError } from '../kernel/errors.ts';
import type { SnapshotService } from '../snapshots/index.ts';
import type { ActionService } from './service.ts';

export interface ProposalDeps {
  readonly cells: CellStore;
  readonly snapshots: SnapshotService;
  readonly actions: ActionService;
  readonly now: () => number;
}

/** The two creation modes as a function, for the route and for seeding the demo's example. */
export async function proposeFromSnapshots(
  d: ProposalDeps,
  actor: Actor,
  cellId: string,
  b: ProposeFromSnapshotsRequest,
) {
  const cell = await d.cells.getCell(cellId, 0);
  if (!cell) throw new AppError('not-found', `no cell "${cellId}" is enrolled`);
  const latest = await d.snapshots.snapshot(cell.id, 'latest', b.endpoint);
  if (!latest)
    throw new AppError('conflict', `${cell.id} has no snapshot yet: nothing to compare or restore`);
  const endpoint = latest.version.endpoint;
  let planned: ProposedWrites;
  let source: { kind: 'sister-baseline'; sisterGroup: string } | { kind: 'snapshot'; snapshotId: string };
  if (b.mode === 'align') {
    const comparison = await d.snapshots.compare(cell.sisterGroup, { endpoint });
    planned = alignWrites(comparison, cell.id, latest.snapshot.entries, b.keys);
    source = { kind: 'sister-baseline', sisterGroup: cell.sisterGroup };
  } else {
    if (!b.hash)
      throw new AppError('bad-request', 'restore needs the hash of the snapshot to restore', {
        field: 'hash',
      });
    const target = await d.snapshots.snapshot(cell.id, b.hash, endpoint);
    if (!target) throw new AppError('not-found', `${cell.id} has no snapshot ${b.hash} of ${endpoint}`);
    planned = restoreWrites(target.snapshot.entries, latest.snapshot.entries, b.keys);
    source = { kind: 'snapshot', snapshotId: target.version.hash };
  }
  if (planned.writes.length === 0) {
    const why = planned.skipped.map((s) => `${s.key}: ${s.reason}`).join('; ');
    throw new AppError('conflict', `nothing to write${why ? ` (${why})` : ': the cell already matches'}`);
  }
  const action = await d.actions.propose(
    actor,
    {
      type: 'write-parameters',
      params: { endpoint, source, writes: planned.writes as never },
      cells: [cell.id],
      reason: b.reason,
      ...(b.window ? { window: b.window } : {}),
    },
    d.now(),
  );
  return { action, skipped: planned.skipped };
}
