// `cellfleet-hub compare <group> --db FILE [--format html|csv|md|json] [--endpoint NAME] [--out FILE]`
// Prints (or writes) the sister comparison report of one group from the hub's database.
import { writeFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { isReportFormat, renderComparison } from '@cellfleet/core';
import { createSnapshotService } from './service.ts';
import { openSqliteSnapshotStore } from './sqlite-store.ts';

export interface CompareIO {
  readonly stdout: Writable;
  readonly stderr: Writable;
}

export const COMPARE_HELP = `cellfleet-hub compare <group> --db FILE [--format html|csv|md|json] [--endpoint NAME] [--out FILE]
  Compares the latest snapshot of every cell in a sister group and prints the report.
  --db        the hub's SQLite database
  --format    html (standalone, printable), csv, md or json (default md)
  --endpoint  which endpoint's snapshots (default: the one most cells have)
  --out       write the report to FILE instead of stdout
`;

export async function compareCommand(argv: readonly string[], io: CompareIO): Promise<number> {
  const args = argv[0] === 'compare' ? argv.slice(1) : argv;
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (err) {
    io.stderr.write(`compare: ${(err as Error).message}\n\n${COMPARE_HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(COMPARE_HELP);
    return 0;
  }
  const group = positionals[0];
  const format = values.format ?? 'md';
  if (!group || !values.db || !isReportFormat(format)) {
    const why = !group
      ? 'a group is required'
      : !values.db
        ? '--db is required'
        : `unknown format "${format}"`;
    io.stderr.write(`compare: ${why}\n\n${COMPARE_HELP}`);
    return 2;
  }
  const store = await openSqliteSnapshotStore(values.db);
  try {
    const service = createSnapshotService({ store });
    const comparison = await service.compare(group, values.endpoint ? { endpoint: values.endpoint } : {});
    if (comparison.cells.length === 0) {
      io.stderr.write(`compare: no snapshots for any cell of group "${group}"\n`);
      return 1;
    }
    const text = renderComparison(comparison, format);
    if (values.out) {
      writeFileSync(values.out, text);
      io.stdout.write(`${comparison.summary.join('\n')}\nwrote ${values.out}\n`);
    } else io.stdout.write(text);
    return 0;
  } finally {
    await store.close();
  }
}

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      db: { type: 'string' },
      format: { type: 'string' },
      endpoint: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
