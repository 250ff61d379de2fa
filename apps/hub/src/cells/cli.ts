// `cellfleet-hub enroll` registers a cell and prints its agent's config; `cellfleet-hub
// broker-config` writes an external broker's accounts and ACL from the enrollments.
import { writeFileSync } from 'node:fs';
import { ENROLL_TOKEN_DEFAULT_TTL_S, ENROLL_TOKEN_MAX_TTL_S } from '@cellfleet/protocol';
import { openAuditLog } from '../audit/index.ts';
import { DATABASE_FLAGS, DATABASE_HELP, withDatabase } from '../db/cli.ts';
import type { Sql } from '../db/sql.ts';
import { type CliIo, cliActor, intFlag, parse } from '../kernel/cli.ts';
import { UsageError } from '../kernel/errors.ts';
import { openKeyring, pinnedKeys } from '../keys/index.ts';
import { writeMosquittoFiles } from './broker-files.ts';
import { EnrollError, enrollCell } from './enroll.ts';
import { openCellStore } from './store.ts';
import { type NewEnrollToken, openEnrollTokens } from './tokens.ts';

export const ENROLL_HELP = `cellfleet-hub enroll — register a cell and print its agent's config file, or a one-time token

Usage:
  cellfleet-hub enroll --site S --line L --cell C --group G [--endpoint NAME=URL]... [--hub-url URL]
                       [--db FILE | --pg-url URL] [--out FILE]
  cellfleet-hub enroll --token [--ttl SECONDS] [--api-url URL] --site S --line L --cell C --group G ...

Each enrollment issues new credentials; enrolling a cell again rotates its secret (the old
agent config stops working). The secret appears only in the printed config.

With --token nothing secret is printed: a one-time enrollment token (single use, valid for
--ttl seconds, default 3600) that the agent exchanges on first start for its credentials and
the hub's action keys (cellfleet-agent enroll --token T --hub URL). The hub keeps only its hash.

Options:
  --site, --line, --cell    the cell's place in the plant (letters, digits, - and _)
  --group G                 its sister group: cells that should be configured alike
  --endpoint NAME=URL       an OPC UA endpoint the agent probes (repeatable)
  --hub-url URL             the broker the agent dials (default mqtt://127.0.0.1:1883)
  --out FILE                write the config there (mode 600) instead of stdout
  --token                   print a one-time enrollment token instead of a config
  --ttl SECONDS             how long the token is valid (60 to 604800; default 3600)
  --api-url URL             the hub's HTTPS address the agent will call, for the printed command
${DATABASE_HELP}
Example:
  cellfleet-hub enroll --site plant1 --line lineA --cell press-01 --group presses \\
    --endpoint kepware=opc.tcp://127.0.0.1:49320 --hub-url mqtt://hub.plant1:1883 --out agent.yaml
`;

export async function enrollCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values: v } = parse(argv, {
    site: { type: 'string' },
    line: { type: 'string' },
    cell: { type: 'string' },
    group: { type: 'string' },
    endpoint: { type: 'string', multiple: true },
    'hub-url': { type: 'string' },
    ...DATABASE_FLAGS,
    out: { type: 'string' },
    token: { type: 'boolean' },
    ttl: { type: 'string' },
    'api-url': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (v.help) {
    io.stdout(ENROLL_HELP);
    return 0;
  }
  for (const flag of ['site', 'line', 'cell', 'group'] as const) {
    if (!v[flag])
      throw new UsageError(`--${flag} is required (see cellfleet-hub enroll --help)`, { field: flag });
  }
  const endpoints = (v.endpoint ?? []).map((e) => {
    const i = e.indexOf('=');
    if (i <= 0 || !e.slice(i + 1).startsWith('opc.tcp://')) {
      throw new UsageError(`--endpoint "${e}" must look like NAME=opc.tcp://host:port`, {
        field: 'endpoint',
      });
    }
    return { name: e.slice(0, i), url: e.slice(i + 1) };
  });
  const request = { site: v.site!, line: v.line!, cell: v.cell!, sisterGroup: v.group!, endpoints };
  const brokerUrl = v['hub-url'] ?? 'mqtt://127.0.0.1:1883';
  if (v.token) {
    const ttlSeconds = intFlag('ttl', v.ttl, ENROLL_TOKEN_DEFAULT_TTL_S, 60, ENROLL_TOKEN_MAX_TTL_S);
    return withDatabase(v, io.env, async (database) => {
      const t = await issueEnrollToken(database.sql, { ...request, brokerUrl, ttlSeconds }, io);
      io.stdout(tokenInstructions(t, v['api-url']));
      return 0;
    });
  }
  if (v.ttl !== undefined || v['api-url'] !== undefined)
    throw new UsageError('--ttl and --api-url go with --token', { field: v.ttl ? 'ttl' : 'api-url' });
  return withDatabase(v, io.env, async (database) => {
    const actionKeys = await pinnedKeys(await openKeyring(database.sql, io.now));
    const r = await enrollCell(await openCellStore(database.sql), request, {
      url: brokerUrl,
      actionKeys,
      now: io.now(),
    }).catch((err: unknown) => {
      throw err instanceof EnrollError ? new UsageError(err.message, { field: err.field }) : err;
    });
    if (v.out) {
      writeFileSync(v.out, r.yaml, { mode: 0o600 });
      io.stderr(`enrolled ${r.id}; agent config written to ${v.out}\n`);
    } else io.stdout(r.yaml);
    return 0;
  });
}

export const BROKER_CONFIG_HELP = `cellfleet-hub broker-config — write an external broker's credentials and ACL from the enrollments

Usage:
  cellfleet-hub broker-config --out DIR [--db FILE | --pg-url URL] [--hub-user NAME]

Options:
  --out DIR                 where to write passwd, acl and hub.password
  --hub-user NAME           the hub's broker username (default cellfleet-hub)
${DATABASE_HELP}
Writes DIR/passwd (mosquitto_passwd format), DIR/acl (one block per agent: its own topics only)
and DIR/hub.password (the hub's broker password, generated on first run). Point mosquitto at
them and reload it (kill -HUP) after every enrollment:

  listener 1883
  allow_anonymous false
  password_file DIR/passwd
  acl_file DIR/acl

Then run the hub with:
  cellfleet-hub serve --broker-url mqtt://broker:1883 --broker-user cellfleet-hub \\
    --broker-password-file DIR/hub.password --share-group hub
`;

export async function brokerConfigCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values: v } = parse(argv, {
    out: { type: 'string' },
    ...DATABASE_FLAGS,
    'hub-user': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (v.help || !v.out) {
    io.stdout(BROKER_CONFIG_HELP);
    return v.help ? 0 : 2;
  }
  const out = v.out;
  return withDatabase(v, io.env, async (database) => {
    const r = await writeMosquittoFiles(await openCellStore(database.sql), out, v['hub-user']);
    io.stdout(`wrote ${r.passwordFile}, ${r.aclFile} (${r.agents} agents) and ${r.hubPasswordFile}\n`);
    if (r.skipped.length > 0) io.stderr(`not included (re-enroll them): ${r.skipped.join(', ')}\n`);
    return 0;
  });
}

async function issueEnrollToken(sql: Sql, req: NewEnrollToken, io: CliIo) {
  const keyring = await openKeyring(sql, io.now);
  const tokens = await openEnrollTokens({
    sql,
    cells: await openCellStore(sql),
    audit: await openAuditLog(sql),
    actionKeys: () => pinnedKeys(keyring),
  });
  return tokens.create(cliActor(io), req, io.now());
}

/** The token and the one command to run on the IPC. */
function tokenInstructions(t: { cellId: string; token: string; expiresAt: number }, apiUrl?: string): string {
  return `# one-time enrollment token for ${t.cellId}: single use, valid until ${new Date(t.expiresAt).toISOString()}
${t.token}
# on the cell's IPC (add --hub-fingerprint SHA256 or --hub-ca FILE for a self-signed hub certificate):
#   cellfleet-agent enroll --token ${t.token} --hub ${apiUrl ?? 'https://HUB:8080'} --config agent.yaml
`;
}
