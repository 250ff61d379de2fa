// `cellfleet-hub tally [--group NAME] [--check] [--db FILE | --pg-url URL]`
// The full recomputation of the sister tally (tally.ts) from every cell's latest snapshot,
// compared with the tally the hub keeps on ingest: differences are reported and repaired.
import { openCellStore } from '../cells/store.ts';
import { DATABASE_FLAGS, DATABASE_HELP, withDatabase } from '../db/cli.ts';
import { type CliIo, parse } from '../kernel/cli.ts';
import { UsageError } from '../kernel/errors.ts';
import { enrolledSisters } from './sisters.ts';
import { openSqlSnapshotStore } from './sql-store.ts';
import { createSisterTally } from './tally.ts';

export const TALLY_HELP = `cellfleet-hub tally [--group NAME] [--check] [--db FILE | --pg-url URL]
  Recounts the sister tally (what each cell of a sister group holds, key by key) from every
  cell's latest snapshot and compares it with the tally the hub keeps as snapshots arrive.
  Differences are listed and the stored tally is replaced by the recount. Run it after
  restoring a database or if a comparison looks wrong; a clean hub reports no differences.
  --group   only this sister group (default: every enrolled group and every group with a tally)
  --check   report differences without repairing them; exits 1 if there are any
${DATABASE_HELP}`;

const OPTIONS = {
  ...DATABASE_FLAGS,
  group: { type: 'string' },
  check: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const differences = (n: number) => `${n} difference${n === 1 ? '' : 's'}`;

/** Differences listed per group and endpoint before "… and N more". */
const SHOWN = 10;

export async function tallyCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parse(argv, OPTIONS);
  if (values.help) {
    io.stdout(TALLY_HELP);
    return 0;
  }
  if (values.group !== undefined && values.group.trim() === '')
    throw new UsageError('--group must name a sister group', { field: 'group' });
  const fix = values.check !== true;
  return withDatabase(values, io.env, async (database) => {
    const store = await openSqlSnapshotStore(database.sql);
    const cellStore = await openCellStore(database.sql);
    const sisters = enrolledSisters(cellStore);
    const tally = createSisterTally({ sql: database.sql, store, directory: sisters });
    const kept = await tally.groups();
    const groups =
      values.group !== undefined
        ? [values.group]
        : [
            ...new Set([
              ...(await cellStore.listEnrollments()).map((e) => e.sisterGroup),
              ...kept.map((g) => g.group),
            ]),
          ].sort();
    let total = 0;
    for (const group of groups) {
      const cells = await sisters.cellsInGroup(group);
      const endpoints = new Set([
        ...(await store.endpointCounts(cells)).keys(),
        ...kept.filter((g) => g.group === group).map((g) => g.endpoint),
      ]);
      for (const endpoint of [...endpoints].sort()) {
        const versions = await store.latestOf(cells, endpoint);
        const found = await tally.verify({ group, endpoint }, versions, fix);
        total += found.length;
        const verb = fix ? 'repaired' : 'found';
        io.stdout(`${group} / ${endpoint}: ${versions.length} cells, ${differences(found.length)} ${verb}\n`);
        for (const f of found.slice(0, SHOWN)) io.stdout(`  ${f}\n`);
        if (found.length > SHOWN) io.stdout(`  … and ${found.length - SHOWN} more\n`);
      }
    }
    io.stdout(
      `${total === 0 ? 'the tally matches the recount' : `${differences(total)} ${fix ? 'repaired' : 'found'}`} in ${database.where}\n`,
    );
    return !fix && total > 0 ? 1 : 0;
  });
}
