// `cellfleet-hub user …`: the only way to create the first admin (there is no default one).
import { ROLES, type Role, USER_NAME_PATTERN } from '@cellfleet/protocol';
import { createAuditLog } from '../audit/log.ts';
import { parse, UsageError } from '../cli/args.ts';
import { openSqlite } from '../store/migrate.ts';
import { type CliIo, DEFAULT_DB } from './cli-io.ts';
import { AppError } from './errors.ts';
import { createAuthService } from './service.ts';

export const USER_HELP = `cellfleet-hub user — manage the people who use the hub API and UI

Usage:
  cellfleet-hub user add <name> --role viewer|engineer|approver|admin [--db FILE]
  cellfleet-hub user list [--db FILE]
  cellfleet-hub user set-role <name> --role R [--db FILE]
  cellfleet-hub user disable <name> | enable <name> [--db FILE]
  cellfleet-hub user reset-password <name> [--db FILE]
  cellfleet-hub user token <name> [--db FILE]

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
    { role: { type: 'string' }, db: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    true,
  );
  const [verb, name] = positionals;
  if (v.help || !verb) {
    io.stdout(USER_HELP);
    return v.help ? 0 : 2;
  }
  if (verb !== 'list' && (!name || !new RegExp(USER_NAME_PATTERN).test(name)))
    throw new UsageError('a user name (lower case letters, digits, . _ -) is required');
  const db = await openSqlite(v.db ?? DEFAULT_DB);
  const now = io.now ?? Date.now;
  try {
    const auth = createAuthService({ db, audit: createAuditLog(db), now });
    const actor = `cli:${process.env['USER'] ?? 'unknown'}`;
    const user = name ?? '';
    switch (verb) {
      case 'add': {
        const c = auth.addUser(actor, user, roleOf(v.role));
        io.stdout(`user ${c.user.name} (${c.user.role}) created. Shown once, store them now:\n`);
        io.stdout(`  password:  ${c.password}\n  API token: ${c.token}\n`);
        return 0;
      }
      case 'list':
        for (const u of auth.listUsers())
          io.stdout(`${u.name}\t${u.role}${u.disabled ? '\tdisabled' : ''}\n`);
        return 0;
      case 'set-role':
        auth.updateUser(actor, user, { role: roleOf(v.role) });
        return 0;
      case 'disable':
      case 'enable':
        auth.updateUser(actor, user, { disabled: verb === 'disable' });
        return 0;
      case 'reset-password':
        io.stdout(`new password for ${user} (shown once): ${auth.resetPassword(actor, user)}\n`);
        return 0;
      case 'token':
        io.stdout(`new API token for ${user} (shown once): ${auth.issueApiToken(actor, user)}\n`);
        return 0;
      default:
        throw new UsageError(`unknown subcommand "${verb}"`);
    }
  } catch (err) {
    if (err instanceof AppError) {
      io.stderr(`cellfleet-hub user: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    db.close();
  }
}
