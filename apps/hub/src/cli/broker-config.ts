import { writeMosquittoFiles } from '../broker/mosquitto-files.ts';
import { openHubDatabase } from '../store/open.ts';
import { DATABASE_FLAGS, DATABASE_HELP, databaseChoice, parse } from './args.ts';

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

export async function brokerConfigCommand(argv: readonly string[]): Promise<number> {
  const { values: v } = parse(argv, {
    out: { type: 'string' },
    ...DATABASE_FLAGS,
    'hub-user': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (v.help || !v.out) {
    process.stdout.write(BROKER_CONFIG_HELP);
    return v.help ? 0 : 2;
  }
  const database = await openHubDatabase(databaseChoice(v));
  try {
    const r = await writeMosquittoFiles(database.cells, v.out, v['hub-user']);
    process.stdout.write(
      `wrote ${r.passwordFile}, ${r.aclFile} (${r.agents} agents) and ${r.hubPasswordFile}\n`,
    );
    if (r.skipped.length > 0)
      process.stderr.write(`not included (re-enroll them): ${r.skipped.join(', ')}\n`);
    return 0;
  } finally {
    await database.close();
  }
}
