// Several hub replicas on one database (issue 7): concurrent changes to one action are all
// kept, each run is dispatched exactly once, and a replica that dies between committing a send
// and publishing it (or just after) loses nothing: another one sends it again once
// redispatchAfterMs passes without a result, and one result completes the run once.
// A replica "killed" here is one whose publish never returns: from the database's side that
// is the same as a process gone at that point (its commit is in; nothing after it happens).
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import type { Actor } from '@cellfleet/core';
import type { ProposeActionRequest, TimeRange } from '@cellfleet/protocol';
import { type OpenSql, onBothDialects, onSharedPostgres } from '../db/dialects.test-support.ts';
import type { Sql } from '../db/sql.ts';
import { verifyActionSignature } from '../keys/keyring.ts';
import type { ActionPolicy } from './service.ts';
import { openReplica, type Replica } from './test-support.ts';

const CELL = 'plant1.lineA.press-01';
const T = Date.parse('2025-06-15T00:00:00Z');
const HOUR = 3_600_000;
const DELAY = 5_000;
const POLICY: Partial<ActionPolicy> = { redispatchAfterMs: DELAY };
const erin: Actor = { name: 'erin', role: 'engineer' };
const ann: Actor = { name: 'ann', role: 'approver' };
const bob: Actor = { name: 'bob', role: 'approver' };

const request = (cells: string[], window: TimeRange): ProposeActionRequest => ({
  type: 'write-parameters',
  params: {
    endpoint: 'kepware',
    source: { kind: 'manual' },
    writes: [{ path: '/Objects/2:Press/2:ScanRate', value: 100 }],
  },
  cells,
  reason: 'replica test',
  window,
});

/** An approved action whose window opens at T. */
async function dueAction(r: Replica, cells = [CELL], window = { start: T, end: T + HOUR }): Promise<string> {
  const { id } = await r.actions.propose(erin, request(cells, window), T - 60_000);
  await r.actions.approve(ann, id, T - 30_000);
  return id;
}

async function events(r: Replica, id: string): Promise<string[]> {
  return (await r.audit.list({ subject: `action:${id}` })).map((e) => e.event);
}

const count = (list: string[], event: string) => list.filter((e) => e === event).length;

async function opened(t: TestContext, open: OpenSql): Promise<Sql> {
  const sql = await open();
  t.after(() => sql.close());
  return sql;
}

/** A replica that dies right after publish is called (`delivered`: after the broker took it). */
async function dyingReplica(sql: Sql, delivered: boolean) {
  let reached!: () => void;
  const died = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const replica = await openReplica(sql, {
    policy: POLICY,
    publish: (cell, body) => {
      if (delivered) replica.sent.push({ cell, body });
      reached();
      return new Promise<void>(() => {}); // never returns: the process is gone
    },
  });
  return { replica, died };
}

/** A due action that `dead` starts to dispatch and dies in; `live` shares its database. */
async function crashedMidDispatch(sql: Sql, delivered: boolean) {
  const { replica: dead, died } = await dyingReplica(sql, delivered);
  const live = await openReplica(sql, { policy: POLICY });
  const id = await dueAction(live);
  void dead.actions.tick(T);
  await died;
  return { dead, live, id };
}

onBothDialects('action replicas', (open) => {
  // Many at once, so that on PostgreSQL the transactions overlap whatever the pool's warm-up.
  test('two approvals given on two replicas at once are both kept', async (t) => {
    const sql = await opened(t, open);
    const policy = { ...POLICY, approvals: { readOnly: 0, mutating: 2 } };
    const [a, b] = [await openReplica(sql, { policy }), await openReplica(sql, { policy })];
    const ids: string[] = [];
    for (let i = 0; i < 8; i++)
      ids.push((await a.actions.propose(erin, request([CELL], { start: T, end: T + HOUR }), T - 60_000)).id);
    await Promise.all(
      ids.flatMap((id) => [a.actions.approve(ann, id, T - 30_000), b.actions.approve(bob, id, T - 30_000)]),
    );
    for (const id of ids) {
      const action = await a.actions.get(id);
      assert.deepEqual(action.approvals.map((x) => x.by).sort(), ['ann', 'bob'], id);
      assert.equal(action.state, 'scheduled');
      const log = await events(a, id);
      assert.deepEqual(
        [count(log, 'action.approval-added'), count(log, 'action.approved'), count(log, 'action.scheduled')],
        [2, 1, 1],
      );
    }
  });

  test('one result delivered to two replicas at once is recorded once', async (t) => {
    const sql = await opened(t, open);
    const [a, b] = [await openReplica(sql, { policy: POLICY }), await openReplica(sql, { policy: POLICY })];
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await dueAction(a));
    await a.actions.tick(T);
    const results = await Promise.all(
      ids.flatMap((id) =>
        [a, b].map((r) => r.actions.recordResult(CELL, { actionId: id, outcome: 'succeeded' }, T + 1000)),
      ),
    );
    assert.equal(results.filter((r) => r.ok).length, ids.length);
    assert.equal(results.filter((r) => !r.ok && r.code === 'duplicate-result').length, ids.length);
    for (const id of ids) {
      const log = await events(a, id);
      assert.deepEqual([count(log, 'action.result'), count(log, 'action.result-refused')], [1, 1]);
      assert.equal((await b.actions.get(id)).state, 'completed');
    }
  });

  test('killed after committing the dispatch: another replica re-sends after the delay, one result completes it', async (t) => {
    const { live, id } = await crashedMidDispatch(await opened(t, open), false);
    const committed = (await live.actions.get(id)).runs[0]!;
    assert.deepEqual([committed.state, committed.attempts, committed.dispatchedAt], ['dispatched', 1, T]);

    assert.deepEqual(await live.actions.tick(T + DELAY - 1), {
      dispatched: [],
      redispatched: [],
      failed: [],
    });
    const again = await live.actions.tick(T + DELAY);
    assert.deepEqual(again, { dispatched: [], redispatched: [{ actionId: id, cell: CELL }], failed: [] });
    const sent = live.sent[0]!.body;
    assert.equal(sent.action.id, id, 'the same signed action id, so the agent runs it at most once');
    assert.equal(verifyActionSignature(sent, await live.keyring.list()), true);
    const note = (await live.audit.list({ subject: `action:${id}` })).find(
      (e) => e.event === 'action.redispatched',
    );
    assert.deepEqual(note?.data, { cell: CELL, why: 'no result 5 s after it was sent' });

    // At most one re-send per delay, however many ticks (or replicas) come by.
    assert.equal((await live.actions.tick(T + 2 * DELAY - 1)).redispatched.length, 0);
    assert.equal((await live.actions.tick(T + 2 * DELAY)).redispatched.length, 1);

    const result = { actionId: id, outcome: 'succeeded' as const };
    assert.deepEqual(await live.actions.recordResult(CELL, result, T + 2 * DELAY + 10), { ok: true });
    // The agent's ledger answers the second copy with the stored result: refused, changes nothing.
    const repeat = await live.actions.recordResult(CELL, result, T + 2 * DELAY + 20);
    assert.equal(repeat.ok || repeat.code, 'duplicate-result');
    const done = await live.actions.get(id);
    assert.deepEqual([done.state, done.runs[0]?.attempts], ['completed', 1]);
    assert.equal((await live.actions.tick(T + 10 * DELAY)).redispatched.length, 0);
    const log = await events(live, id);
    assert.deepEqual(
      ['action.dispatched', 'action.redispatched', 'action.result', 'action.completed'].map((e) =>
        count(log, e),
      ),
      [1, 2, 1, 1],
    );
    assert.equal(live.sent.length, 2);
  });

  test('killed just after publishing: the result reaches another replica and nothing is re-sent', async (t) => {
    const { dead, live, id } = await crashedMidDispatch(await opened(t, open), true);
    assert.equal(dead.sent[0]?.body.action.id, id);
    const result = { actionId: id, outcome: 'succeeded' as const };
    assert.deepEqual(await live.actions.recordResult(CELL, result, T + DELAY - 1), { ok: true });
    assert.deepEqual(await live.actions.tick(T + DELAY), { dispatched: [], redispatched: [], failed: [] });
    assert.equal((await live.actions.get(id)).state, 'completed');
  });

  test('killed just after publishing, the result lost: re-sent with the same id, completed once', async (t) => {
    const { dead, live, id } = await crashedMidDispatch(await opened(t, open), true);
    assert.equal((await live.actions.tick(T + DELAY)).redispatched.length, 1);
    assert.equal(live.sent[0]?.body.action.id, dead.sent[0]?.body.action.id);
    const result = { actionId: id, outcome: 'succeeded' as const };
    assert.deepEqual(await live.actions.recordResult(CELL, result, T + DELAY + 10), { ok: true });
    const log = await events(live, id);
    assert.deepEqual([count(log, 'action.result'), count(log, 'action.completed')], [1, 1]);
  });

  test('nothing is re-sent once the window closed; the run expires after the grace period', async (t) => {
    const sql = await opened(t, open);
    const live = await openReplica(sql, { policy: POLICY });
    const id = await dueAction(live, [CELL], { start: T, end: T + DELAY / 2 });
    await live.actions.tick(T);
    assert.equal(live.sent.length, 1);
    assert.equal((await live.actions.tick(T + DELAY)).redispatched.length, 0);
    await live.actions.tick(T + DELAY / 2 + 15 * 60_000);
    assert.equal((await live.actions.get(id)).state, 'expired');
    assert.equal(live.sent.length, 1);
  });

  test('a re-send when the agent comes back online counts: the next one waits a full delay', async (t) => {
    const sql = await opened(t, open);
    const [a, b] = [await openReplica(sql, { policy: POLICY }), await openReplica(sql, { policy: POLICY })];
    const id = await dueAction(a);
    await a.actions.tick(T);
    assert.equal(await b.actions.resendUnanswered(CELL, T + 1000), 1);
    assert.equal(await b.actions.resendUnanswered('plant1.lineA.press-02', T + 1000), 0);
    assert.equal((await a.actions.tick(T + DELAY)).redispatched.length, 0);
    assert.equal((await a.actions.tick(T + 1000 + DELAY)).redispatched.length, 1);
    const whys = (await a.audit.list({ subject: `action:${id}` }))
      .filter((e) => e.event === 'action.redispatched')
      .map((e) => (e.data as { why: string }).why);
    assert.deepEqual(whys, ['agent back online', 'no result 5 s after it was sent']);
    assert.equal((await a.actions.get(id)).runs[0]?.attempts, 1, 'a re-send is not a new attempt');
  });

  test('a re-send the broker refuses leaves the run dispatched and is audited', async (t) => {
    const sql = await opened(t, open);
    let up = true;
    const sent: string[] = [];
    const live = await openReplica(sql, {
      policy: POLICY,
      publish: async (cell) => {
        if (!up) throw new Error('broker down');
        sent.push(cell);
      },
    });
    const id = await dueAction(live);
    await live.actions.tick(T);
    up = false;
    const r = await live.actions.tick(T + DELAY);
    assert.deepEqual(r.failed, [{ actionId: id, cell: CELL, error: 'broker down' }]);
    const run = (await live.actions.get(id)).runs[0]!;
    assert.deepEqual([run.state, run.attempts], ['dispatched', 1]);
    assert.equal((await events(live, id)).at(-1), 'action.publish-failed');
    up = true;
    assert.equal((await live.actions.tick(T + 2 * DELAY)).redispatched.length, 1);
    assert.deepEqual(sent, [CELL, CELL]);
  });
});

// Two replicas as two connection pools on one PostgreSQL database, ticking at the same moments:
// the action lock must make exactly one of them commit each run as newly dispatched.
onSharedPostgres('two replicas on one PostgreSQL database, ticking together', (pg) => {
  test('every run is dispatched exactly once', async (t) => {
    const handles = await pg.replicas(t, 2);
    const policy = { redispatchAfterMs: HOUR };
    const [a, b] = [await openReplica(handles[0]!, { policy }), await openReplica(handles[1]!, { policy })];
    const cells = ['plant1.lineA.press-01', 'plant1.lineA.press-02', 'plant1.lineB.press-03'];
    const ids: string[] = [];
    for (let round = 0; round < 12; round++) {
      const now = T + round * 1000;
      for (let i = 0; i < 3; i++) ids.push(await dueAction(round % 2 ? a : b, cells));
      await Promise.all([a.actions.tick(now), b.actions.tick(now)]);
    }
    const published = new Map<string, number>();
    for (const s of [...a.sent, ...b.sent]) {
      const key = `${s.body.action.id} ${s.cell}`;
      published.set(key, (published.get(key) ?? 0) + 1);
    }
    assert.equal(published.size, ids.length * cells.length, 'every run was sent');
    assert.deepEqual(
      [...published].filter(([, n]) => n !== 1),
      [],
      'no run was sent twice',
    );
    for (const id of ids) {
      const dispatched = (await a.audit.list({ subject: `action:${id}` })).filter(
        (e) => e.event === 'action.dispatched',
      );
      assert.equal(dispatched.length, cells.length, id);
      assert.equal(
        (await b.actions.get(id)).runs.every((r) => r.attempts === 1),
        true,
      );
    }
    assert.equal((await a.audit.verify()).ok, true);
  });
});
