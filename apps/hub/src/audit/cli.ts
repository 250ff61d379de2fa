// `cellfleet-hub audit verify|export`: check the chain offline, straight from the hub's
// database (the SQLite file, or the PostgreSQL database the replicas share).
import { existsSync } from 'node:fs';
import { DATABASE_FLAGS, DATABASE_HELP, databaseChoice, withDatabase } from '../db/cli.ts';
import { type CliIo, parse } from '../kernel/cli.ts';
import { UsageError } from '../kernel/errors.ts';
import { toCsv, toJsonl } from './export.ts';
import { allEntries, openAuditLog } from './log.ts';

export const AUDIT_HELP = `cellfleet-hub audit — verify or export the hash-chained audit log

Usage:
  cellfleet-hub audit verify [--db FILE | --pg-url URL] [--head HASH]
  cellfleet-hub audit export [--db FILE | --pg-url URL] [--format jsonl|csv]

Options:
${DATABASE_HELP}  --head HASH               the head hash a previous verify printed
  --format jsonl|csv        export format (default jsonl)

verify re-hashes every entry and names the first row that was edited, deleted or moved.
Rows cut off the end leave a valid shorter chain: pass a head hash recorded earlier (printed
by every verify) with --head to catch that too. Exit code 0 intact, 1 tampered, 2 bad usage.
`;

export async function auditCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parse(
    argv,
    {
      ...DATABASE_FLAGS,
      head: { type: 'string' },
      format: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  const verb = positionals[0];
  if (v.help || !verb) {
    io.stdout(AUDIT_HELP);
    return v.help ? 0 : 2;
  }
  if (verb !== 'verify' && verb !== 'export') throw new UsageError(`unknown subcommand "${verb}"`);
  if (v.format !== undefined && v.format !== 'jsonl' && v.format !== 'csv')
    throw new UsageError('--format must be jsonl or csv');
  const choice = databaseChoice(v, io.env);
  // Opening a SQLite path creates the file; verifying a typo must not report an empty, intact log.
  if (choice.dbPath !== undefined && !existsSync(choice.dbPath))
    throw new UsageError(`no database at ${choice.dbPath}`, { field: 'db' });
  return withDatabase(v, io.env, async (db) => {
    const audit = await openAuditLog(db.sql);
    if (verb === 'export') {
      const entries = await allEntries(audit);
      io.stdout(v.format === 'csv' ? toCsv(entries) : toJsonl(entries));
      return 0;
    }
    const r = await audit.verify(v.head);
    if (r.ok) {
      io.stdout(`audit log intact: ${r.count} entries, head ${r.head}\n`);
      return 0;
    }
    io.stderr(`audit log TAMPERED at row ${r.seq}: ${r.reason} (${r.count} rows verified before it)\n`);
    return 1;
  });
}
