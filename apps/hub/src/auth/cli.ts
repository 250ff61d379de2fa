// `cellfleet-hub user …`: the only way to create the first admin (there is no default one).
import { ROLES, type Role, USER_NAME_PATTERN } from '@cellfleet/protocol';
import { openAuditLog } from '../audit/log.ts';
import { DATABASE_FLAGS, DATABASE_HELP, withDatabase } from '../db/cli.ts';
import { type CliIo, cliActor, parse } from '../kernel/cli.ts';
import { UsageError } from '../kernel/errors.ts';
import { openAuthService } from './service.ts';

export const USER_HELP = `cellfleet-hub user — manage the people who use the hub API and UI

Usage:
  cellfleet-hub user add <name> --role metrics|viewer|engineer|approver|admin [DATABASE]
  cellfleet-hub user list [DATABASE]
  cellfleet-hub user set-role <name> --role R [DATABASE]
  cellfleet-hub user disable <name> | enable <name> [DATABASE]
  cellfleet-hub user reset-password <name> [DATABASE]
  cellfleet-hub user token <name> [DATABASE]

DATABASE is the hub's, one of:
${DATABASE_HELP}
"add" prints a generated password and an API token once; the hub keeps only their hashes.
Changes are written to the audit log with the actor "cli:<OS user>".
`;

function roleOf(value: string | undefined): Role {
  if (!value || !(ROLES as readonly string[]).includes(value))
    throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  return value as Role;
}

export async function userCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parse(
    argv,
    { ...DATABASE_FLAGS, role: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    true,
  );
  const [verb, name] = positionals;
  if (v.help || !verb) {
    io.stdout(USER_HELP);
    return v.help ? 0 : 2;
  }
  if (verb !== 'list' && (!name || !new RegExp(USER_NAME_PATTERN).test(name)))
    throw new UsageError('a user name (lower case letters, digits, . _ -) is required');
  return withDatabase(v, io.env, async (db) => {
    const auth = await openAuthService({ sql: db.sql, audit: await openAuditLog(db.sql), now: io.now });
    const actor = cliActor(io);
    const user = name ?? '';
    switch (verb) {
      case 'add': {
        const c = await auth.addUser(actor, user, roleOf(v.role));
        io.stdout(`user ${c.user.name} (${c.user.role}) created. Shown once, store them now:\n`);
        io.stdout(`  password:  ${c.password}\n  API token: ${c.token}\n`);
        return 0;
      }
      case 'list':
        for (const u of await auth.listUsers())
          io.stdout(`${u.name}\t${u.role}${u.disabled ? '\tdisabled' : ''}\n`);
        return 0;
      case 'set-role':
        await auth.updateUser(actor, user, { role: roleOf(v.role) });
        return 0;
      case 'disable':
      case 'enable':
        await auth.updateUser(actor, user, { disabled: verb === 'disable' });
        return 0;
      case 'reset-password':
        io.stdout(`new password for ${user} (shown once): ${await auth.resetPassword(actor, user)}\n`);
        return 0;
      case 'token':
        io.stdout(`new API token for ${user} (shown once): ${await auth.issueApiToken(actor, user)}\n`);
        return 0;
      default:
        throw new UsageError(`unknown subcommand "${verb}"`);
    }
  });
}
