// Writes mosquitto's password and ACL files from the enrollment records. The hub's own broker
// password is kept in hub.password beside them (generated once, reused afterwards).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mosquittoAclFile, mosquittoHash, mosquittoPasswordFile } from '../broker/mosquitto.ts';
import { newAgentSecret } from './secrets.ts';
import type { CellStore } from './store.ts';

export interface MosquittoFiles {
  readonly passwordFile: string;
  readonly aclFile: string;
  readonly hubPasswordFile: string;
  readonly hubUsername: string;
  readonly agents: number;
  readonly skipped: string[];
}

/** Atomic replace, so a broker reloading on SIGHUP never reads half a file. */
function writeAtomic(path: string, text: string, mode = 0o600): void {
  writeFileSync(`${path}.tmp`, text, { mode });
  renameSync(`${path}.tmp`, path);
}

export async function writeMosquittoFiles(
  store: CellStore,
  dir: string,
  hubUsername = 'cellfleet-hub',
): Promise<MosquittoFiles> {
  mkdirSync(dir, { recursive: true });
  const hubPasswordFile = join(dir, 'hub.password');
  if (!existsSync(hubPasswordFile)) writeAtomic(hubPasswordFile, `${newAgentSecret()}\n`);
  const hubPassword = readFileSync(hubPasswordFile, 'utf8').trim();
  const enrollments = await store.listEnrollments();
  const withHash = enrollments.filter((e) => e.brokerHash);
  const accounts = withHash.map((e) => ({ username: e.id, brokerHash: e.brokerHash! }));
  const passwordFile = join(dir, 'passwd');
  const aclFile = join(dir, 'acl');
  writeAtomic(
    passwordFile,
    mosquittoPasswordFile({ username: hubUsername, brokerHash: mosquittoHash(hubPassword) }, accounts),
  );
  writeAtomic(
    aclFile,
    mosquittoAclFile(
      hubUsername,
      accounts.map((a) => a.username),
    ),
    0o644,
  );
  return {
    passwordFile,
    aclFile,
    hubPasswordFile,
    hubUsername,
    agents: accounts.length,
    // Enrolled before broker hashes were kept: re-enroll them to include them.
    skipped: enrollments.filter((e) => !e.brokerHash).map((e) => e.id),
  };
}
