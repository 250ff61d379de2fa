// `cellfleet-hub compare <group> [--db FILE | --pg-url URL] [--format html|csv|md|json] [--endpoint NAME] [--out FILE]`
// Prints (or writes) the sister comparison report of one group from the hub's database.
import { writeFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { isReportFormat, renderComparison } from '@cellfleet/core';
import { DATABASE_FLAGS, DATABASE_HELP, databaseChoice, parse, UsageError } from '../cli/args.ts';
import { openHubDatabase } from '../store/open.ts';
import { createSnapshotService } from './service.ts';
import { enrolledSisters } from './sisters.ts';
import { openSqlSnapshotStore } from './sql-store.ts';

export interface CompareIO {
  readonly stdout: Writable;
  readonly stderr: Writable;
}

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

export async function compareCommand(argv: readonly string[], io: CompareIO): Promise<number> {
  const args = argv[0] === 'compare' ? argv.slice(1) : argv;
  let parsed: ReturnType<typeof parse<typeof OPTIONS>>;
  let choice: ReturnType<typeof databaseChoice>;
  try {
    parsed = parse(args, OPTIONS, true);
    choice = databaseChoice(parsed.values);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`compare: ${err.message}\n\n${COMPARE_HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(COMPARE_HELP);
    return 0;
  }
  const group = positionals[0];
  const format = values.format ?? 'md';
  if (!group || !isReportFormat(format)) {
    io.stderr.write(
      `compare: ${!group ? 'a group is required' : `unknown format "${format}"`}\n\n${COMPARE_HELP}`,
    );
    return 2;
  }
  const database = await openHubDatabase(choice);
  try {
    const store = await openSqlSnapshotStore(database.sql);
    const service = createSnapshotService({ store, sisters: enrolledSisters(database.cells) });
    const comparison = await service.compare(group, values.endpoint ? { endpoint: values.endpoint } : {});
    if (comparison.cells.length === 0) {
      io.stderr.write(`compare: no snapshots for any cell of group "${group}" in ${database.where}\n`);
      return 1;
    }
    const text = renderComparison(comparison, format);
    if (values.out) {
      writeFileSync(values.out, text);
      io.stdout.write(`${comparison.summary.join('\n')}\nwrote ${values.out}\n`);
    } else io.stdout.write(text);
    return 0;
  } finally {
    await database.close();
  }
}
