import { writeFileSync } from 'node:fs';
import { openKeyring } from '../actions/index.ts';
import { EnrollError, enrollCell } from '../agents/enroll.ts';
import { openHubDatabase } from '../store/open.ts';
import { DATABASE_FLAGS, DATABASE_HELP, databaseChoice, parse, UsageError } from './args.ts';

export const ENROLL_HELP = `cellfleet-hub enroll — register a cell and print its agent's config file

Usage:
  cellfleet-hub enroll --site S --line L --cell C --group G [--endpoint NAME=URL]... [--hub-url URL]
                       [--db FILE | --pg-url URL] [--out FILE]

Each enrollment issues new credentials; enrolling a cell again rotates its secret (the old
agent config stops working). The secret appears only in the printed config.

Options:
  --site, --line, --cell    the cell's place in the plant (letters, digits, - and _)
  --group G                 its sister group: cells that should be configured alike
  --endpoint NAME=URL       an OPC UA endpoint the agent probes (repeatable)
  --hub-url URL             the broker the agent dials (default mqtt://127.0.0.1:1883)
  --out FILE                write the config there (mode 600) instead of stdout
${DATABASE_HELP}
Example:
  cellfleet-hub enroll --site plant1 --line lineA --cell press-01 --group presses \\
    --endpoint kepware=opc.tcp://127.0.0.1:49320 --hub-url mqtt://hub.plant1:1883 --out agent.yaml
`;

export async function enrollCommand(argv: readonly string[]): Promise<number> {
  const { values: v } = parse(argv, {
    site: { type: 'string' },
    line: { type: 'string' },
    cell: { type: 'string' },
    group: { type: 'string' },
    endpoint: { type: 'string', multiple: true },
    'hub-url': { type: 'string' },
    ...DATABASE_FLAGS,
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (v.help) {
    process.stdout.write(ENROLL_HELP);
    return 0;
  }
  for (const flag of ['site', 'line', 'cell', 'group'] as const) {
    if (!v[flag]) throw new UsageError(`--${flag} is required (see cellfleet-hub enroll --help)`);
  }
  const endpoints = (v.endpoint ?? []).map((e) => {
    const i = e.indexOf('=');
    if (i <= 0 || !e.slice(i + 1).startsWith('opc.tcp://')) {
      throw new UsageError(`--endpoint "${e}" must look like NAME=opc.tcp://host:port`);
    }
    return { name: e.slice(0, i), url: e.slice(i + 1) };
  });
  const database = await openHubDatabase(databaseChoice(v));
  const store = database.cells;
  try {
    // Pin every key that can sign now or next (see docs/actions.md, key rotation).
    const actionKeys = (await (await openKeyring(database.sql, Date.now)).list())
      .filter((k) => k.state !== 'retired')
      .map((k) => ({ keyId: k.keyId, publicKeyPem: k.publicKeyPem }));
    const r = await enrollCell(
      store,
      { site: v.site!, line: v.line!, cell: v.cell!, sisterGroup: v.group!, endpoints },
      { url: v['hub-url'] ?? 'mqtt://127.0.0.1:1883', actionKeys, now: Date.now() },
    );
    if (v.out) {
      writeFileSync(v.out, r.yaml, { mode: 0o600 });
      process.stderr.write(`enrolled ${r.id}; agent config written to ${v.out}\n`);
    } else process.stdout.write(r.yaml);
    return 0;
  } catch (err) {
    if (err instanceof EnrollError) throw new UsageError(err.message);
    throw err;
  } finally {
    await database.close();
  }
}
