// One-time enrollment tokens (issue 14, item 3). An admin creates a token bound to one cell
// (site, line, cell, sister group, endpoints, the broker to dial); the agent exchanges it once,
// on first start, for the credentials `enrollCell` issues and the hub's action keys. The hub
// keeps only the token's SHA-256 (a 256-bit random token cannot be guessed, so a fast hash is
// enough: secrets.ts), a token is spent by one conditional UPDATE (so two replicas, or two
// racing agents, cannot both spend it), and every refusal is audited without the token itself.
import { createHash, randomBytes } from 'node:crypto';
import type {
  ActionKey,
  EnrollExchangeResponse,
  EnrollTokenState,
  EnrollTokenView,
} from '@cellfleet/protocol';
import { cellId, ENROLL_TOKEN_DEFAULT_TTL_S } from '@cellfleet/protocol';
import type { AuditLog } from '../audit/index.ts';
import type { Migrations, Sql } from '../db/sql.ts';
import { AppError } from '../kernel/errors.ts';
import { EnrollError, type EnrollRequest, enrollCell } from './enroll.ts';
import type { Row } from './rows.ts';
import type { CellStore } from './store.ts';

/** The same table on both engines; only the integer type of the times differs. */
const TOKEN_TABLE = (int: string) => `CREATE TABLE enroll_tokens (
  id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, site TEXT NOT NULL, line TEXT NOT NULL,
  cell TEXT NOT NULL, sister_group TEXT NOT NULL, endpoints TEXT NOT NULL, broker_url TEXT NOT NULL,
  created_by TEXT NOT NULL, created_at ${int} NOT NULL, expires_at ${int} NOT NULL,
  used_at ${int}, revoked_at ${int})`;
export const ENROLL_TOKEN_MIGRATIONS: Migrations = {
  sqlite: [TOKEN_TABLE('INTEGER')],
  postgres: [TOKEN_TABLE('BIGINT')],
};

export const newEnrollToken = (): string => `cfe_${randomBytes(32).toString('base64url')}`;
export const hashEnrollToken = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('hex');

export interface NewEnrollToken extends EnrollRequest {
  /** The broker URL written into the agent's config. */
  readonly brokerUrl: string;
  readonly ttlSeconds?: number;
}

export interface EnrollTokenService {
  create(actor: string, req: NewEnrollToken, now: number): Promise<EnrollTokenView & { token: string }>;
  list(now: number): Promise<EnrollTokenView[]>;
  revoke(actor: string, id: string, now: number): Promise<EnrollTokenView>;
  /** Spends a token: the cell's new credentials, or an AppError (audited) naming why not. */
  redeem(token: string, from: string, now: number): Promise<EnrollExchangeResponse>;
}

export interface EnrollTokenDeps {
  readonly sql: Sql;
  readonly cells: CellStore;
  readonly audit: AuditLog;
  /** The keys an agent pins: every key that can sign now or next (docs/actions.md). */
  readonly actionKeys: () => Promise<ActionKey[]>;
}

function stateOf(r: Row, now: number): EnrollTokenState {
  if (r['revoked_at'] !== null) return 'revoked';
  if (r['used_at'] !== null) return 'used';
  return Number(r['expires_at']) <= now ? 'expired' : 'open';
}

function viewOf(r: Row, now: number): EnrollTokenView {
  const n = (v: unknown) => (v === null ? null : Number(v));
  return {
    id: String(r['id']),
    cellId: cellId({ site: String(r['site']), line: String(r['line']), cell: String(r['cell']) }),
    sisterGroup: String(r['sister_group']),
    brokerUrl: String(r['broker_url']),
    createdBy: String(r['created_by']),
    createdAt: Number(r['created_at']),
    expiresAt: Number(r['expires_at']),
    usedAt: n(r['used_at']),
    revokedAt: n(r['revoked_at']),
    state: stateOf(r, now),
  };
}

const REFUSALS: Record<Exclude<EnrollTokenState, 'open'> | 'unknown', string> = {
  unknown: 'is not a valid enrollment token',
  used: 'was already used (a token enrolls one agent once: ask an admin for a new one)',
  expired: 'has expired (ask an admin for a new one)',
  revoked: 'was revoked',
};

export async function openEnrollTokens(d: EnrollTokenDeps): Promise<EnrollTokenService> {
  const { sql, audit } = d;
  await sql.migrate('enroll-tokens', ENROLL_TOKEN_MIGRATIONS);
  const byId = (id: string) => sql.get<Row>('SELECT * FROM enroll_tokens WHERE id = ?', [id]);

  async function refuse(why: keyof typeof REFUSALS, row: Row | undefined, from: string, now: number) {
    await audit.append(
      {
        actor: `agent@${from}`,
        event: 'enroll.refused',
        subject: row ? `enroll-token:${String(row['id'])}` : 'enroll-token:unknown',
        data: { reason: why, ...(row ? { cell: viewOf(row, now).cellId } : {}) },
      },
      now,
    );
    return new AppError('forbidden', `the enrollment token ${REFUSALS[why]}`, { field: 'token' });
  }

  return {
    async create(actor, req, now) {
      const token = newEnrollToken();
      const id = randomBytes(8).toString('hex');
      const expiresAt = now + (req.ttlSeconds ?? ENROLL_TOKEN_DEFAULT_TTL_S) * 1000;
      const row = await sql.tx(async () => {
        await sql.run(
          `INSERT INTO enroll_tokens (id, token_hash, site, line, cell, sister_group, endpoints, broker_url,
             created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            id,
            hashEnrollToken(token),
            req.site,
            req.line,
            req.cell,
            req.sisterGroup,
            JSON.stringify(req.endpoints),
            req.brokerUrl,
            actor,
            now,
            expiresAt,
          ],
        );
        const created = (await byId(id))!;
        await audit.append(
          {
            actor,
            event: 'enroll-token.created',
            subject: `enroll-token:${id}`,
            data: { cell: viewOf(created, now).cellId, sisterGroup: req.sisterGroup, expiresAt },
          },
          now,
        );
        return created;
      });
      return { ...viewOf(row, now), token };
    },

    async list(now) {
      const rows = await sql.all<Row>('SELECT * FROM enroll_tokens ORDER BY created_at DESC, id LIMIT 1000');
      return rows.map((r) => viewOf(r, now));
    },

    async revoke(actor, id, now) {
      return sql.tx(async () => {
        const row = await byId(id);
        if (!row) throw new AppError('not-found', `no enrollment token "${id}"`, { field: 'id' });
        const state = stateOf(row, now);
        if (state !== 'open')
          throw new AppError('wrong-state', `enrollment token ${id} is ${state}, not open`, { field: 'id' });
        await sql.run('UPDATE enroll_tokens SET revoked_at = ? WHERE id = ?', [now, id]);
        await audit.append(
          { actor, event: 'enroll-token.revoked', subject: `enroll-token:${id}`, data: {} },
          now,
        );
        return viewOf((await byId(id))!, now);
      });
    },

    async redeem(token, from, now) {
      const hash = hashEnrollToken(token);
      const outcome = await sql.tx(async () => {
        // One conditional UPDATE spends the token: of two racing exchanges, one changes the row.
        const spent = await sql.run(
          `UPDATE enroll_tokens SET used_at = ?
             WHERE token_hash = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?`,
          [now, hash, now],
        );
        const row = await sql.get<Row>('SELECT * FROM enroll_tokens WHERE token_hash = ?', [hash]);
        if (spent !== 1 || !row) return { refused: row } as const;
        const req: EnrollRequest = {
          site: String(row['site']),
          line: String(row['line']),
          cell: String(row['cell']),
          sisterGroup: String(row['sister_group']),
          endpoints: JSON.parse(String(row['endpoints'])) as EnrollRequest['endpoints'],
        };
        const r = await enrollCell(d.cells, req, {
          url: String(row['broker_url']),
          actionKeys: await d.actionKeys(),
          now,
        }).catch((err: unknown) => {
          throw err instanceof EnrollError
            ? new AppError('bad-request', err.message, { field: err.field })
            : err;
        });
        await audit.append(
          {
            actor: `agent@${from}`,
            event: 'enroll.exchanged',
            subject: `enroll-token:${String(row['id'])}`,
            data: { cell: r.id },
          },
          now,
        );
        return { enrolled: { id: r.id, config: r.config as EnrollExchangeResponse['config'] } } as const;
      });
      if ('enrolled' in outcome) return outcome.enrolled;
      const row = outcome.refused;
      const state = row ? stateOf(row, now) : 'unknown';
      // 'open' here means another exchange spent it between our UPDATE and SELECT.
      throw await refuse(state === 'open' ? 'used' : state, row, from, now);
    },
  };
}
