// Looks a user up in <root>/etc/passwd, so an install into a --root folder resolves the user
// that systemd-sysusers created there rather than the host's.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Account {
  readonly uid: number;
  readonly gid: number;
}

export function lookupUser(root: string, name: string): Account | undefined {
  const file = join(root, 'etc', 'passwd');
  if (!existsSync(file)) return undefined;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid !== undefined && gid !== undefined)
      return { uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}
