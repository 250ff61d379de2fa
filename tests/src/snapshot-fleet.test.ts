// Issue 4 through the whole stack: real agent processes snapshot emulated Kepware cells and
// send them over MQTT; a parameter changed live on one cell becomes a drift event at the hub
// and an outlier in the sister comparison; unchanged cycles cost only a hash on the wire.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type RunningCell, startCell } from '@cellfleet/cellsim';
import type { Comparison } from '@cellfleet/core';
import { waitFor } from '@cellfleet/testkit';
import { SPEED } from './support/actions.ts';
import { type AgentProcess, enrollAgent, spawnAgent, startTestHub, type TestHub } from './support/hub.ts';

let hub: TestHub;
const cells = new Map<string, RunningCell>();
const ids = new Map<string, string>();
const agents: AgentProcess[] = [];

before(async () => {
  hub = await startTestHub();
  for (const name of ['press-01', 'press-02', 'press-03']) {
    const cell = await startCell({ kind: 'kepware', name });
    cells.set(name, cell);
    const a = await enrollAgent(hub, {
      cell: name,
      probeIntervalMs: 2000,
      endpoints: [{ name: 'kepware', url: cell.endpointUrl }],
      trustServers: [cell.serverCertificate()],
    });
    ids.set(name, a.id);
    agents.push(spawnAgent(a.configPath));
  }
});
after(async () => {
  await Promise.all(agents.map((a) => a.kill('SIGKILL')));
  await hub.stop();
  await Promise.all([...cells.values()].map((c) => c.stop()));
});

const id = (name: string) => ids.get(name)!;
const kinds = async (name: string) => (await hub.hub.services.cells.messageLog(id(name))).map((m) => m.kind);

describe('snapshots through the fleet', () => {
  test('every cell’s first snapshot is stored, then unchanged cycles send only hashes', async () => {
    for (const name of ids.keys()) {
      await waitFor(
        `${name} snapshot stored`,
        async () => {
          const r = await hub.get<{ versions?: unknown[] } | unknown[]>(`/api/cells/${id(name)}/snapshots`);
          const versions = Array.isArray(r) ? r : (r.versions ?? []);
          return versions.length > 0 ? true : undefined;
        },
        30_000,
      );
    }
    const full = (await kinds('press-01')).filter((k) => k === 'snapshot-chunk').length;
    await waitFor('two more cycles of press-01', async () =>
      (await kinds('press-01')).filter((k) => k === 'snapshot-hash').length >= 2 ? true : undefined,
    );
    const after = await kinds('press-01');
    assert.equal(after.filter((k) => k === 'snapshot-chunk').length, full, 'no new full copies');
    assert.equal(after.filter((k) => k === 'snapshot-delta').length, 0, 'no deltas while nothing changed');
  });

  test('a parameter changed on one cell becomes a drift event and an outlier among its sisters', async () => {
    cells.get('press-02')!.setParameter(SPEED, 130);
    const drift = await waitFor(
      'drift on press-02',
      async () => {
        const r = await hub.get<{ events: Array<{ text: string }> }>(`/api/cells/${id('press-02')}/drift`);
        return r.events.find((e) => /Speed/.test(e.text) && /130/.test(e.text));
      },
      30_000,
    );
    assert.match(drift.text, /100/);
    assert.ok((await kinds('press-02')).includes('snapshot-delta'), 'the change travelled as a delta');
    const comparison = await hub.get<Comparison>('/api/groups/presses/comparison?format=json');
    const row = comparison.rows.find((r) => r.key.includes('Speed'));
    assert.ok(row, 'the Speed key differs in the group');
    assert.equal(row.baseline, 100);
    assert.deepEqual(
      row.outliers.map((o) => o.cell),
      [id('press-02')],
    );
    assert.match(row.text, /press-02/);
  });

  test('proposals built from snapshots: align with the sisters, restore an earlier snapshot', async () => {
    const engineer = await hub.hub.services.auth.addUser('test-setup', 'erin', 'engineer');
    const viewer = await hub.hub.services.auth.addUser('test-setup', 'val', 'viewer');
    const window = { start: Date.now() + 3_600_000, end: Date.now() + 7_200_000 };
    const propose = (token: string, body: unknown) =>
      fetch(`${hub.hub.httpUrl}/api/cells/${id('press-02')}/proposals`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    type Created = {
      action: {
        state: string;
        params: { writes: Array<{ path: string; value: unknown; previous?: unknown }> };
      };
    };
    assert.equal((await propose(viewer.token, { mode: 'align', reason: 'drifted', window })).status, 403);

    const aligned = await propose(engineer.token, {
      mode: 'align',
      reason: 'recipe drifted from its sisters',
      window,
    });
    assert.equal(aligned.status, 201, await aligned.clone().text());
    const a = (await aligned.json()) as Created;
    assert.equal(a.action.state, 'proposed');
    assert.deepEqual(
      a.action.params.writes.map((w) => [w.path.split('}').at(-1), w.value, w.previous]),
      [['Speed', 100, 130]],
    );

    const versions = await hub.get<Array<{ hash: string }> | { versions: Array<{ hash: string }> }>(
      `/api/cells/${id('press-02')}/snapshots`,
    );
    const list = Array.isArray(versions) ? versions : versions.versions;
    const first = list.find((v) => v.hash)!.hash;
    const restored = await propose(engineer.token, {
      mode: 'restore',
      hash: first,
      reason: 'back to the commissioned recipe',
      window,
    });
    assert.equal(restored.status, 201, await restored.clone().text());
    const r = (await restored.json()) as Created;
    assert.deepEqual(
      r.action.params.writes.map((w) => [w.path.split('}').at(-1), w.value]),
      [['Speed', 100]],
    );
  });

  test('a group tolerance absorbs the difference; a viewer may not change the rules', async () => {
    const put = (token: string, body: unknown) =>
      fetch(`${hub.hub.httpUrl}/api/groups/presses/rules`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const viewer = await hub.hub.services.auth.addUser('test-setup', 'vic', 'viewer');
    assert.equal((await put(viewer.token, { ignore: ['**'] })).status, 403);
    assert.equal(
      (await put(hub.token, { tolerances: [{ match: '**/Speed*', abs: -1 }] })).status,
      400,
      'negative tolerance refused',
    );
    assert.equal(
      (await put(hub.token, { tolerances: [{ match: '**/Recipe/Speed*', abs: 50 }] })).status,
      200,
    );
    const comparison = await hub.get<Comparison>('/api/groups/presses/comparison?format=json');
    assert.equal(
      comparison.rows.find((r) => r.key.includes('Speed'))?.outliers.length ?? 0,
      0,
      '130 is within 100 ± 50',
    );
    assert.deepEqual(await hub.get('/api/groups/presses/rules'), {
      tolerances: [{ match: '**/Recipe/Speed*', abs: 50 }],
    });
    const audit = await hub.get<Array<{ event: string }> | { entries: Array<{ event: string }> }>(
      '/api/audit',
    );
    const entries = Array.isArray(audit) ? audit : audit.entries;
    assert.ok(
      entries.some((e) => e.event === 'group-rules.set'),
      'the change is audited',
    );
  });
});
