// `cellfleet-hub agent-build add FILE --version V` and `agent-build list`: the builds the
// upgrade-agent action can name (docs/actions.md).
import { openAuditLog } from '../audit/index.ts';
import { DATABASE_FLAGS, DATABASE_HELP, databaseChoice, withDatabase } from '../db/cli.ts';
import { type CliIo, cliActor, parse } from '../kernel/cli.ts';
import { UsageError } from '../kernel/errors.ts';
import { openKeyring } from '../keys/index.ts';
import { buildsDirOf, openAgentBuilds } from './builds.ts';

export const AGENT_BUILD_HELP = `cellfleet-hub agent-build — signed agent builds for the upgrade-agent action

Usage:
  cellfleet-hub agent-build add FILE --version V [--agent-builds-dir DIR] [--db FILE | --pg-url URL]
  cellfleet-hub agent-build list [--db FILE | --pg-url URL]

add copies FILE (a packaged agent, e.g. dist/cellfleet-agent-linux-x64) into the builds folder
under its SHA-256, and signs digest and version with the active action key (the key agents pin).
Then propose the action from the UI or: POST /api/actions {"type":"upgrade-agent","params":{…}}
with the sha256, version, size, signature and keyId that add prints.

Options:
  --version V               what the build reports in --version (e.g. 0.2.0+3b3cd1e0a1b2)
  --agent-builds-dir DIR    the builds folder (default: agent-builds beside the SQLite database;
                            required with PostgreSQL: a folder every replica sees)
${DATABASE_HELP}`;

export async function agentBuildCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parse(
    argv,
    {
      version: { type: 'string' },
      'agent-builds-dir': { type: 'string' },
      ...DATABASE_FLAGS,
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  const [action, file, ...rest] = positionals;
  if (v.help) {
    io.stdout(AGENT_BUILD_HELP);
    return 0;
  }
  if (action !== 'add' && action !== 'list')
    throw new UsageError(`expected add or list, got ${action ?? 'nothing'} (see --help)`);
  if (rest.length > 0) throw new UsageError(`unexpected argument ${rest.join(' ')}`);
  if (action === 'add' && (!file || !v.version))
    throw new UsageError('agent-build add needs FILE and --version V', { field: file ? 'version' : 'file' });
  const dir = buildsDirOf(databaseChoice(v, io.env), v['agent-builds-dir']);
  return withDatabase(v, io.env, async (db) => {
    const builds = await openAgentBuilds({
      sql: db.sql,
      keyring: await openKeyring(db.sql, io.now),
      audit: await openAuditLog(db.sql),
      dir,
    });
    if (action === 'list') {
      for (const b of await builds.list())
        io.stdout(
          `${b.sha256}  ${b.version}  ${b.size} bytes  ${new Date(b.addedAt).toISOString()}  ${b.addedBy}\n`,
        );
      return 0;
    }
    const b = await builds.add({ file: file!, version: v.version!, actor: cliActor(io), now: io.now() });
    io.stdout(
      `${JSON.stringify({ type: 'upgrade-agent', params: { sha256: b.sha256, version: b.version, size: b.size, signature: b.signature, keyId: b.keyId } }, null, 2)}\n`,
    );
    return 0;
  });
}
