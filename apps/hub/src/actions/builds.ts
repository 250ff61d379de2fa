// Signed agent builds for the upgrade-agent action (issue 14, item 6). A build is a file on disk
// in the hub's builds folder, named by its SHA-256 (files, not database blobs: a 100 MB
// executable streams from disk to each agent, and a PostgreSQL hub's replicas share the folder);
// the table keeps its version, size and the Ed25519 signature of the active action key over
// core's agentBuildPayload(sha256, version). Agents check both before they run a byte of it.
import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { AgentBuildView } from '@cellfleet/protocol';
import type { AuditLog } from '../audit/index.ts';
import type { DatabaseChoice } from '../db/open.ts';
import type { Migrations, Sql } from '../db/sql.ts';
import { AppError } from '../kernel/errors.ts';
import type { Keyring } from '../keys/index.ts';

const TABLE = (int: string) => `CREATE TABLE agent_builds (
  sha256 TEXT PRIMARY KEY, version TEXT NOT NULL, size ${int} NOT NULL, signature TEXT NOT NULL,
  key_id TEXT NOT NULL, added_by TEXT NOT NULL, added_at ${int} NOT NULL)`;
export const BUILD_MIGRATIONS: Migrations = { sqlite: [TABLE('INTEGER')], postgres: [TABLE('BIGINT')] };

export const VERSION_PATTERN = /^[0-9A-Za-z.+_-]{1,64}$/;

export interface AgentBuilds {
  /** Copies the file into the builds folder, signs its digest and version, and records it (audited). */
  add(o: { file: string; version: string; actor: string; now: number }): Promise<AgentBuildView>;
  list(): Promise<AgentBuildView[]>;
  /** The build's file, when the hub has it. */
  file(sha256: string): Promise<{ path: string; size: number } | undefined>;
}

/** Where builds live: --agent-builds-dir, else `agent-builds` beside a SQLite database. */
export function buildsDirOf(choice: DatabaseChoice, explicit?: string): string | undefined {
  if (explicit) return resolve(explicit);
  if (choice.pgUrl === undefined && choice.dbPath && choice.dbPath !== ':memory:')
    return join(dirname(resolve(choice.dbPath)), 'agent-builds');
  return undefined;
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

type Row = Record<string, unknown>;
const viewOf = (r: Row): AgentBuildView => ({
  sha256: String(r['sha256']),
  version: String(r['version']),
  size: Number(r['size']),
  signature: String(r['signature']),
  keyId: String(r['key_id']),
  addedBy: String(r['added_by']),
  addedAt: Number(r['added_at']),
});

export async function openAgentBuilds(d: {
  sql: Sql;
  keyring: Keyring;
  audit: AuditLog;
  dir: string | undefined;
}): Promise<AgentBuilds> {
  const { sql } = d;
  await sql.migrate('agent-builds', BUILD_MIGRATIONS);
  const noDir = () =>
    new AppError(
      'not-found',
      'this hub has no agent-builds folder (cellfleet-hub serve --agent-builds-dir DIR)',
    );
  return {
    async add({ file, version, actor, now }) {
      if (!d.dir) throw noDir();
      if (!VERSION_PATTERN.test(version))
        throw new AppError('usage', `--version "${version}" may hold letters, digits and . + _ - (1 to 64)`, {
          field: 'version',
        });
      let size: number;
      try {
        size = statSync(file).size;
      } catch (err) {
        throw new AppError('usage', `${file}: ${(err as Error).message}`, { field: 'file' });
      }
      const sha256 = await sha256Of(file);
      if (await sql.get('SELECT sha256 FROM agent_builds WHERE sha256 = ?', [sha256]))
        throw new AppError('conflict', `build ${sha256} is already there`, { field: 'file' });
      mkdirSync(d.dir, { recursive: true });
      const target = join(d.dir, sha256);
      if (!existsSync(target)) {
        copyFileSync(file, `${target}.tmp`);
        if ((await sha256Of(`${target}.tmp`)) !== sha256) {
          rmSync(`${target}.tmp`, { force: true });
          throw new AppError('conflict', `${file} changed while it was copied`, { field: 'file' });
        }
        renameSync(`${target}.tmp`, target);
      }
      const { keyId, signature } = await d.keyring.signBuild(sha256, version);
      await sql.tx(async () => {
        await sql.run(
          'INSERT INTO agent_builds (sha256, version, size, signature, key_id, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [sha256, version, size, signature, keyId, actor, now],
        );
        await d.audit.append(
          {
            actor,
            event: 'agent-build.added',
            subject: `agent-build:${sha256}`,
            data: { version, size, keyId },
          },
          now,
        );
      });
      return { sha256, version, size, signature, keyId, addedBy: actor, addedAt: now };
    },
    async list() {
      return (await sql.all<Row>('SELECT * FROM agent_builds ORDER BY added_at DESC, sha256')).map(viewOf);
    },
    async file(sha256) {
      if (!d.dir) throw noDir();
      const row = await sql.get<Row>('SELECT size FROM agent_builds WHERE sha256 = ?', [sha256]);
      const path = join(d.dir, sha256);
      if (!row || !existsSync(path)) return undefined;
      return { path, size: Number(row['size']) };
    },
  };
}
