// `cellfleet-hub audit verify|export`: check the chain offline, straight from the database file.
import { existsSync } from 'node:fs';
import type { CliIo } from '../auth/cli-io.ts';
import { DEFAULT_DB } from '../auth/cli-io.ts';
import { parse, UsageError } from '../cli/args.ts';
import { openSqlite } from '../store/migrate.ts';
import { toCsv, toJsonl } from './export.ts';
import { createAuditLog } from './log.ts';

export const AUDIT_HELP = `cellfleet-hub audit — verify or export the hash-chained audit log

Usage:
  cellfleet-hub audit verify [--db FILE] [--head HASH]
  cellfleet-hub audit export [--db FILE] [--format jsonl|csv]

verify re-hashes every entry and names the first row that was edited, deleted or moved.
Rows cut off the end leave a valid shorter chain: pass a head hash recorded earlier (printed
by every verify) with --head to catch that too. Exit code 0 intact, 1 tampered, 2 bad usage.
`;

export async function auditCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parse(
    argv,
    {
      db: { type: 'string' },
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
  const path = v.db ?? DEFAULT_DB;
  if (!existsSync(path)) throw new UsageError(`no database at ${path}`);
  const db = await openSqlite(path);
  try {
    const audit = createAuditLog(db);
    if (verb === 'export') {
      if (v.format !== undefined && v.format !== 'jsonl' && v.format !== 'csv')
        throw new UsageError('--format must be jsonl or csv');
      io.stdout(v.format === 'csv' ? toCsv(audit.entries()) : toJsonl(audit.entries()));
      return 0;
    }
    if (verb !== 'verify') throw new UsageError(`unknown subcommand "${verb}"`);
    const r = audit.verify(v.head);
    if (r.ok) {
      io.stdout(`audit log intact: ${r.count} entries, head ${r.head}\n`);
      return 0;
    }
    io.stderr(`audit log TAMPERED at row ${r.seq}: ${r.reason} (${r.count} rows verified before it)\n`);
    return 1;
  } finally {
    db.close();
  }
}
