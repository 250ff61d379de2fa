// How each cell's agent was started (its executable and config file), from its birth (issue 14,
// item 4), so the fix steps the hub shows carry the exact command for that cell. A table of its
// own (namespace agent-invocations) beside the cell state: an agent before protocol 1.1 reports
// none, and its row is dropped so the hub never shows a stale path.
import type { AgentInvocation } from '@cellfleet/protocol';
import type { Migrations, Sql } from '../db/sql.ts';
import type { KindHandler } from '../ingest/router.ts';
import type { Row } from './rows.ts';

const TABLE = (int: string) => `CREATE TABLE agent_invocations (
  cell_id TEXT PRIMARY KEY, command TEXT NOT NULL, config TEXT NOT NULL, reported_at ${int} NOT NULL)`;
export const INVOCATION_MIGRATIONS: Migrations = { sqlite: [TABLE('INTEGER')], postgres: [TABLE('BIGINT')] };

export interface InvocationStore {
  get(cellId: string): Promise<AgentInvocation | undefined>;
  record(cellId: string, inv: AgentInvocation | undefined, at: number): Promise<void>;
}

export async function openInvocationStore(sql: Sql): Promise<InvocationStore> {
  await sql.migrate('agent-invocations', INVOCATION_MIGRATIONS);
  return {
    async get(cellId) {
      const r = await sql.get<Row>('SELECT command, config FROM agent_invocations WHERE cell_id = ?', [
        cellId,
      ]);
      return r ? { command: String(r['command']), config: String(r['config']) } : undefined;
    },
    async record(cellId, inv, at) {
      if (!inv) {
        await sql.run('DELETE FROM agent_invocations WHERE cell_id = ?', [cellId]);
        return;
      }
      await sql.run(
        `INSERT INTO agent_invocations (cell_id, command, config, reported_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (cell_id) DO UPDATE SET command = excluded.command, config = excluded.config,
           reported_at = excluded.reported_at`,
        [cellId, inv.command, inv.config, at],
      );
    },
  };
}

/**
 * The ingest router's birth row: remember how the agent was started. After the ack: the agent
 * need not wait for it, and a reconnect storm's births are not held up by it.
 */
export const invocationHandler = (store: InvocationStore): KindHandler<'birth'> => ({
  owner: 'cells',
  async afterAck(m) {
    await store.record(m.cell, m.body.invocation, m.ts);
  },
});
