// `cellfleet-hub keys list|stage|activate|forget`: rotate the action-signing key.
import { createAuditLog } from '../audit/log.ts';
import { type CliIo, DEFAULT_DB } from '../auth/cli-io.ts';
import { AppError } from '../auth/errors.ts';
import { parse, UsageError } from '../cli/args.ts';
import { openSqlite } from '../store/migrate.ts';
import { openKeyring } from './keys.ts';

export const KEYS_HELP = `cellfleet-hub keys — the Ed25519 keys that sign actions

Usage:
  cellfleet-hub keys list [--db FILE]            key ids, states and public keys (PEM)
  cellfleet-hub keys stage [--db FILE]           generate the next key; pin it on every agent
  cellfleet-hub keys activate [KEY_ID] [--db FILE]  the staged key signs from now on
  cellfleet-hub keys forget KEY_ID [--db FILE]   destroy a retired key's private half

Rotation: stage, add the new public key to every agent's pinned keys, activate, and remove
the old pin once the actions it signed have expired. See docs/actions.md.
`;

export async function keysCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parse(
    argv,
    { db: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    true,
  );
  const [verb, keyId] = positionals;
  if (v.help || !verb) {
    io.stdout(KEYS_HELP);
    return v.help ? 0 : 2;
  }
  const db = await openSqlite(v.db ?? DEFAULT_DB);
  const now = io.now ?? Date.now;
  try {
    const keys = openKeyring(db, now);
    const audit = createAuditLog(db);
    const actor = `cli:${process.env['USER'] ?? 'unknown'}`;
    const record = (event: string, id: string) =>
      audit.append({ actor, event, subject: `key:${id}`, data: null }, now());
    switch (verb) {
      case 'list':
        for (const k of keys.list()) io.stdout(`${k.keyId}\t${k.state}\n${k.publicKeyPem}\n`);
        return 0;
      case 'stage': {
        const id = keys.stage();
        record('key.staged', id);
        const pem = keys.list().find((k) => k.keyId === id)?.publicKeyPem ?? '';
        io.stdout(
          `staged ${id}; pin this public key on every agent, then run "keys activate ${id}":\n${pem}`,
        );
        return 0;
      }
      case 'activate': {
        const id = keys.activate(keyId);
        record('key.activated', id);
        io.stdout(`${id} now signs actions\n`);
        return 0;
      }
      case 'forget':
        if (!keyId) throw new UsageError('forget needs a KEY_ID');
        keys.forget(keyId);
        record('key.forgotten', keyId);
        return 0;
      default:
        throw new UsageError(`unknown subcommand "${verb}"`);
    }
  } catch (err) {
    if (err instanceof AppError) {
      io.stderr(`cellfleet-hub keys: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    db.close();
  }
}
