// `cellfleet-hub keys list|stage|activate|forget`: rotate the action-signing key, in the SQLite
// file or the PostgreSQL database the hub replicas share (they read the active key per use).
import { openAuditLog } from '../audit/log.ts';
import { DATABASE_FLAGS, DATABASE_HELP, withDatabase } from '../db/cli.ts';
import { type CliIo, cliActor, parse } from '../kernel/cli.ts';
import { UsageError } from '../kernel/errors.ts';
import { openKeyring } from './keyring.ts';

export const KEYS_HELP = `cellfleet-hub keys — the Ed25519 keys that sign actions

Usage:
  cellfleet-hub keys list [DATABASE]            key ids, states and public keys (PEM)
  cellfleet-hub keys stage [DATABASE]           generate the next key; pin it on every agent
  cellfleet-hub keys activate [KEY_ID] [DATABASE]  the staged key signs from now on
  cellfleet-hub keys forget KEY_ID [DATABASE]   destroy a retired key's private half

DATABASE is the hub's, one of:
${DATABASE_HELP}
Rotation: stage, add the new public key to every agent's pinned keys, activate, and remove
the old pin once the actions it signed have expired. See docs/actions.md.
`;

export async function keysCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parse(
    argv,
    { ...DATABASE_FLAGS, help: { type: 'boolean', short: 'h' } },
    true,
  );
  const [verb, keyId] = positionals;
  if (v.help || !verb) {
    io.stdout(KEYS_HELP);
    return v.help ? 0 : 2;
  }
  return withDatabase(v, io.env, async ({ sql }) => {
    const now = io.now;
    const keys = await openKeyring(sql, now);
    const audit = await openAuditLog(sql);
    const actor = cliActor(io);
    /** The key change and its audit record commit together. */
    const audited = (event: string, change: () => Promise<string>) =>
      sql.tx(async () => {
        const id = await change();
        await audit.append({ actor, event, subject: `key:${id}`, data: null }, now());
        return id;
      });
    switch (verb) {
      case 'list':
        for (const k of await keys.list()) io.stdout(`${k.keyId}\t${k.state}\n${k.publicKeyPem}\n`);
        return 0;
      case 'stage': {
        const id = await audited('key.staged', () => keys.stage());
        const pem = (await keys.list()).find((k) => k.keyId === id)?.publicKeyPem ?? '';
        io.stdout(
          `staged ${id}; pin this public key on every agent, then run "keys activate ${id}":\n${pem}`,
        );
        return 0;
      }
      case 'activate': {
        const id = await audited('key.activated', () => keys.activate(keyId));
        io.stdout(`${id} now signs actions\n`);
        return 0;
      }
      case 'forget':
        if (!keyId) throw new UsageError('forget needs a KEY_ID');
        await audited('key.forgotten', async () => {
          await keys.forget(keyId);
          return keyId;
        });
        return 0;
      default:
        throw new UsageError(`unknown subcommand "${verb}"`);
    }
  });
}
