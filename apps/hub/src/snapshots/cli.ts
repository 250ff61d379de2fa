// `cellfleet-hub compare <group> [--db FILE | --pg-url URL] [--format html|csv|md|json] [--endpoint NAME] [--out FILE]`
// Prints (or writes) the sister comparison report of one group from the hub's database.
import { writeFileSync } from 'node:fs';
import { isReportFormat, renderComparison } from '@cellfleet/core';
import { openCellStore } from '../cells/store.ts';
import { DATABASE_FLAGS, DATABASE_HELP, withDatabase } from '../db/cli.ts';
import { type CliIo, parse } from '../kernel/cli.ts';
import { UsageError } from '../kernel/errors.ts';
import { createSnapshotService } from './service.ts';
import { enrolledSisters } from './sisters.ts';
import { openSqlSnapshotStore } from './sql-store.ts';
import { createSisterTally } from './tally.ts';

export const COMPARE_HELP = `cellfleet-hub compare <group> [--db FILE | --pg-url URL] [--format html|csv|md|json] [--endpoint NAME] [--out FILE]
  Compares the latest snapshot of every cell enrolled in a sister group and prints the report.
  --format    html (standalone, printable), csv, md or json (default md)
  --endpoint  which endpoint's snapshots (default: the one most cells have)
  --out       write the report to FILE instead of stdout
${DATABASE_HELP}`;

const OPTIONS = {
  ...DATABASE_FLAGS,
  format: { type: 'string' },
  endpoint: { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function compareCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, OPTIONS, true);
  if (values.help) {
    io.stdout(COMPARE_HELP);
    return 0;
  }
  const group = positionals[0];
  const format = values.format ?? 'md';
  if (!group) throw new UsageError('a group is required (see cellfleet-hub compare --help)');
  if (!isReportFormat(format))
    throw new UsageError(`--format must be html, csv, md or json, got "${format}"`, { field: 'format' });
  return withDatabase(values, io.env, async (database) => {
    const store = await openSqlSnapshotStore(database.sql);
    const sisters = enrolledSisters(await openCellStore(database.sql));
    const tally = createSisterTally({ sql: database.sql, store, directory: sisters });
    const service = createSnapshotService({ store, sisters, tally });
    const comparison = await service.compare(group, values.endpoint ? { endpoint: values.endpoint } : {});
    if (comparison.cells.length === 0) {
      io.stderr(`compare: no snapshots for any cell of group "${group}" in ${database.where}\n`);
      return 1;
    }
    const text = renderComparison(comparison, format);
    if (values.out) {
      writeFileSync(values.out, text);
      io.stdout(`${comparison.summary.join('\n')}\nwrote ${values.out}\n`);
    } else io.stdout(text);
    return 0;
  });
}
