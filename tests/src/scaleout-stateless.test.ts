// Issue 7, stateless replicas, end to end: Mosquitto (Debian) + PostgreSQL (Debian) + hub
// replicas as real processes with every piece of state in PostgreSQL, fed by simulated agents.
//  - a session issued by one replica works on the other; users come from the CLI on --pg-url;
//  - a browser's live stream on either replica hears about a message the other one stored;
//  - an action goes out exactly once although the replica dispatching it is killed (by a
//    failpoint, so the kill lands at the chosen step every run) after committing the dispatch
//    and before publishing it, or right after publishing it.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createFleet, type Fleet } from '@cellfleet/fleetsim';
import { buildTopic, cellId, createEnvelope, encodeMessage } from '@cellfleet/protocol';
import { removeDir, tempDir, waitFor } from '@cellfleet/testkit';
import type { Replica } from './support/replica.ts';
import { type ScaleoutRig, startScaleoutRig } from './support/scaleout.ts';

const AGENTS = 4;
const ROOT = new URL('../../', import.meta.url).pathname;
const dir = tempDir('stateless');
let rig: ScaleoutRig;
let fleet: Fleet;
const users: Record<string, { password: string; token: string }> = {};

const replica = (name: string, env: Record<string, string> = {}) =>
  rig.replica(name, { redispatchAfterS: 2, env });

/** `cellfleet-hub user add` against PostgreSQL, as an admin would run it on any machine. */
function addUser(name: string, role: string): { password: string; token: string } {
  const r = spawnSync(
    process.execPath,
    ['apps/hub/src/main.ts', 'user', 'add', name, '--role', role, '--pg-url', rig.pgUrl],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  assert.equal(r.status, 0, `user add ${name}: ${r.stderr}`);
  const password = /password:\s+(\S+)/.exec(r.stdout)?.[1];
  const token = /API token:\s+(\S+)/.exec(r.stdout)?.[1];
  assert.ok(password && token, r.stdout);
  return { password, token };
}

async function api<T>(
  r: Replica,
  path: string,
  token: string,
  body?: unknown,
  method = body === undefined ? 'GET' : 'POST',
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${r.httpUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as T };
}

/** An SSE stream from one replica, collecting `cells` events. */
async function liveStream(r: Replica, token: string) {
  const ac = new AbortController();
  const res = await fetch(`${r.httpUrl}/api/events`, {
    headers: { authorization: `Bearer ${token}` },
    signal: ac.signal,
  });
  assert.equal(res.status, 200);
  const events: Array<{ cells: string[]; kinds: string[] }> = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let i = buffer.indexOf('\n\n');
        while (i >= 0) {
          const frame = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (/^event: cells$/m.test(frame) && data) events.push(JSON.parse(data));
          i = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted
    }
  })();
  return { events, close: () => ac.abort() };
}

before(async () => {
  rig = await startScaleoutRig(dir, AGENTS, 'stateless');
  users['ada'] = addUser('ada', 'admin');
  users['erin'] = addUser('erin', 'engineer');
  users['eddie'] = addUser('eddie', 'engineer'); // erin's tokens die when the first test disables her
  await Promise.all([replica('a'), replica('b')]);
  fleet = createFleet({
    url: rig.broker.url,
    agents: rig.agents,
    probeIntervalMs: 60_000,
    snapshotIntervalMs: 300_000,
    keepaliveSec: 5,
    resendAfterMs: 2000,
  });
  fleet.start();
  await fleet.until('all agents connected', () => fleet.connected() === AGENTS, 15_000);
});
after(async () => {
  await fleet?.stop();
  await rig?.stop();
  removeDir(dir);
});

describe('stateless hub replicas on Mosquitto + PostgreSQL', () => {
  test('a session from one replica works on the other; disabling a user on one refuses it on both', async () => {
    const [a, b] = [rig.replicas.get('a')!, rig.replicas.get('b')!];
    const login = await fetch(`${a.httpUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'erin', password: users['erin']!.password }),
    });
    assert.equal(login.status, 200);
    const { token } = (await login.json()) as { token: string };
    const me = await api<{ name: string }>(b, '/api/auth/me', token);
    assert.equal(me.status, 200, 'replica b knows the session replica a issued');
    assert.equal(me.body.name, 'erin');
    const cells = await api<unknown[]>(b, '/api/cells', token);
    assert.equal(cells.body.length, AGENTS);

    const disabled = await api(a, '/api/users/erin', users['ada']!.token, { disabled: true }, 'PATCH');
    assert.ok(disabled.status < 300, `disable erin on a: ${disabled.status}`);
    assert.equal((await api(b, '/api/auth/me', token)).status, 401, 'b refuses the disabled user at once');
    assert.equal((await api(a, '/api/auth/me', token)).status, 401);
    const enabled = await api(b, '/api/users/erin', users['ada']!.token, { disabled: false }, 'PATCH');
    assert.ok(enabled.status < 300, `enable erin on b: ${enabled.status}`);
  });

  test('live updates reach browsers on every replica, whichever replica stored the message', async () => {
    const token = users['ada']!.token;
    const streams = await Promise.all([
      liveStream(rig.replicas.get('a')!, token),
      liveStream(rig.replicas.get('b')!, token),
    ]);
    const c = rig.agents[0]!;
    const client = await rig.connectAs(c);
    try {
      // Each message is stored by exactly one replica (a shared subscription hands it to one);
      // over several, both replicas store some, and both streams must hear of every one.
      for (let i = 0; i < 6; i++) {
        const m = createEnvelope({
          kind: 'health',
          id: randomUUID(),
          cell: cellId(c.ref),
          ts: Date.now(),
          seq: 2_000_000 + i,
          session: 77,
          body: { outboxDepth: i, outboxBytes: 0, oldestAgeMs: 0, droppedForSize: 0, droppedForAge: 0 },
        });
        await client.publishAsync(buildTopic(c.ref, 'health'), Buffer.from(encodeMessage(m)), { qos: 1 });
        for (const [n, s] of streams.entries())
          await waitFor(
            `health #${i} announced on replica ${n === 0 ? 'a' : 'b'}`,
            () =>
              s.events.filter((e) => e.kinds.includes('health') && e.cells.includes(cellId(c.ref))).length >
              i,
            10_000,
          );
      }
    } finally {
      await client.endAsync(true);
      for (const s of streams) s.close();
    }
  });

  for (const step of ['after-commit', 'after-publish'] as const) {
    test(`an action goes out exactly once when its dispatching replica dies ${step.replace('-', ' ')}`, async () => {
      // Only the armed replica runs while the action becomes due, so it is the one dispatching.
      await Promise.all(['a', 'b'].map((n) => rig.replicas.get(n)!.kill('SIGTERM')));
      const x = await replica(`x-${step}`, { CELLFLEET_FAILPOINTS: `dispatch.${step}=exit` });
      const targets = rig.agents.slice(0, 3).map((a) => cellId(a.ref));
      const proposed = await api<{ id: string; state: string }>(x, '/api/actions', users['eddie']!.token, {
        type: 'probe-now',
        params: {},
        cells: targets,
        reason: `exactly once across replicas (${step})`,
      });
      assert.equal(proposed.status, 201, JSON.stringify(proposed.body));
      const id = proposed.body.id;
      await waitFor(
        'the armed replica to die at its failpoint',
        () => x.child.exitCode !== null || x.child.signalCode !== null,
        20_000,
      );
      assert.match(x.output(), new RegExp(`failpoint dispatch\\.${step}`));

      await Promise.all([replica('a'), replica('b')]);
      const a = rig.replicas.get('a')!;
      const done = await waitFor(
        'the action completed by the surviving replicas',
        async () => {
          const r = await api<{ state: string; runs: Array<{ cell: string; state: string }> }>(
            a,
            `/api/actions/${id}`,
            users['ada']!.token,
          );
          return r.body.state === 'completed' ? r.body : undefined;
        },
        45_000,
      );
      assert.deepEqual(
        done.runs.map((r) => r.state),
        targets.map(() => 'done'),
      );
      for (const cell of targets) {
        const sim = fleet.agents.find((s) => s.id === cell)!;
        assert.ok(sim.deliveries(id) >= 1, `${cell} received the action`);
      }
      const audit = await api<Array<{ event: string; data: { cell?: string } }>>(
        a,
        `/api/audit?subject=${encodeURIComponent(`action:${id}`)}`,
        users['ada']!.token,
      );
      for (const cell of targets) {
        const dispatched = audit.body.filter((e) => e.event === 'action.dispatched' && e.data.cell === cell);
        assert.equal(
          dispatched.length,
          1,
          `${cell}: dispatched once (${JSON.stringify(audit.body.map((e) => e.event))})`,
        );
        const results = audit.body.filter((e) => e.event === 'action.result' && e.data.cell === cell);
        assert.ok(results.length <= 1, `${cell}: one result recorded`);
      }
      if (step === 'after-commit')
        assert.ok(
          audit.body.some((e) => e.event === 'action.redispatched'),
          'the committed but unsent dispatch was sent again by a surviving replica',
        );
      const verify = await api<{ ok: boolean }>(a, '/api/audit/verify', users['ada']!.token);
      assert.equal(verify.body.ok, true, 'one intact audit chain written by three processes');
    });
  }
});
