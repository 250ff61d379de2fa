// End to end (issue 4): emulated Kepware cells → agent snapshotter + publisher → wire codec →
// a real hub's snapshot service (SQLite) → drift events and the sister comparison, over its
// HTTP API with a signed-in caller.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  type AgentPki,
  createSnapshotPublisher,
  openAgentPki,
  openSession,
  type Publication,
  takeSnapshot,
} from '@cellfleet/agent';
import { type RunningCell, startCell } from '@cellfleet/cellsim';
import { enrollCell } from '@cellfleet/hub';
import { decodeMessage, encodeMessage } from '@cellfleet/protocol';
import { startTestHub, type TestHub } from './support/hub.ts';

const dir = mkdtempSync(join(tmpdir(), 'cellfleet-snapshot-e2e-'));
const NAMES = ['press-01', 'press-02', 'press-03'];
const cellId = (name: string) => `plant.line1.${name}`;
let pki: AgentPki;
let hub: TestHub;
let cells: RunningCell[];
let clock = Date.UTC(2026, 10, 24, 2, 0);
let ids = 0;
const newId = () => `id-${String(++ids).padStart(8, '0')}`;
const publishers = new Map(
  NAMES.map((n) => [n, createSnapshotPublisher({ cell: cellId(n), newId, now: () => clock })]),
);

before(async () => {
  pki = await openAgentPki({ dir: join(dir, 'pki'), disableFileWatchers: true });
  hub = await startTestHub({ dir });
  for (const name of NAMES)
    await enrollCell(
      hub.hub.services.cells,
      { site: 'plant', line: 'line1', cell: name, sisterGroup: 'presses', endpoints: [] },
      { url: hub.hub.mqttUrl, now: clock },
    );
  cells = await Promise.all(NAMES.map((name) => startCell({ kind: 'kepware', name })));
});
after(async () => {
  for (const c of cells) await c.stop();
  await hub.stop();
  await pki.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const service = () => hub.hub.services.snapshots;

/** One snapshot cycle of one cell: snapshot, publish, deliver through the codec, ack back. */
async function cycle(i: number): Promise<Publication> {
  const name = NAMES[i]!;
  const s = await openSession(
    { name: 'kepware', url: cells[i]!.endpointUrl, security: 'none', allowSecurityNone: true },
    { pki, timeoutMs: 5000 },
  );
  try {
    const run = await takeSnapshot(s.session, { endpoint: 'kepware', now: () => clock });
    const pub = publishers.get(name)!.publish(run.snapshot);
    const svc = service();
    for (const m of pub.messages) {
      const decoded = decodeMessage(encodeMessage(m));
      assert.ok(decoded.ok, JSON.stringify(decoded));
      const r = await svc.ingest(decoded.message);
      assert.equal(r.replies.length, 0, `no resend expected: ${JSON.stringify(r.replies)}`);
      if (r.ack) publishers.get(name)!.acknowledged([m.id]);
    }
    return pub;
  } finally {
    await s.close();
  }
}

test('first cycle: full copies stored; unchanged cycles send only hashes', async () => {
  const svc = service();
  for (let i = 0; i < NAMES.length; i++) assert.equal((await cycle(i)).kind, 'full');
  clock += 60_000;
  for (let i = 0; i < NAMES.length; i++) {
    const pub = await cycle(i);
    assert.equal(pub.kind, 'hash');
    assert.equal(pub.messages.length, 1);
    assert.ok(pub.bytes < 1024, `unchanged cycle sent ${pub.bytes} bytes`);
  }
  assert.equal((await svc.versions(cellId('press-01'))).length, 1);
  const first = await svc.compare('presses');
  assert.equal(first.rows.length, 0, JSON.stringify(first.rows.map((r) => r.text)));
});

test('a changed parameter: delta, drift event in words, comparison names the cell and key', async () => {
  clock = Date.UTC(2026, 10, 24, 2, 14);
  cells[1]!.setParameter('Channel1.Device1.Recipe.Speed', 120);
  const pub = await cycle(1);
  assert.equal(pub.kind, 'delta');
  const svc = service();
  const [event] = await svc.drift(cellId('press-02'));
  assert.ok(event);
  assert.equal(event.text, 'Channel1/Device1/Recipe/Speed changed 100 → 120 at 2026-11-24 02:14 UTC');
  const c = await svc.compare('presses');
  assert.equal(c.rows.length, 1);
  assert.deepEqual(
    c.rows[0]!.outliers.map((o) => o.text),
    ['plant.line1.press-02: Channel1/Device1/Recipe/Speed 120; 2 of 3 sisters have 100'],
  );

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${hub.hub.httpUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${hub.token}`, 'content-type': 'application/json' },
    });
  const html = await api('/api/groups/presses/comparison?format=html');
  assert.equal(html.status, 200);
  assert.match(html.headers.get('content-type') ?? '', /text\/html/);
  assert.match(await html.text(), /plant\.line1\.press-02: Channel1\/Device1\/Recipe\/Speed 120/);
  const csv = await api('/api/groups/presses/comparison?format=csv');
  assert.match(await csv.text(), /plant\.line1\.press-02,120,/);
  const diff = (await (await api(`/api/cells/${cellId('press-02')}/diff`)).json()) as {
    diff: { changed: Array<{ from: unknown; to: unknown }> };
  };
  assert.deepEqual(
    diff.diff.changed.map((x) => [x.from, x.to]),
    [[100, 120]],
  );
  const list = (await (await api(`/api/cells/${cellId('press-02')}/snapshots`)).json()) as {
    versions: unknown[];
  };
  assert.equal(list.versions.length, 2);
  const pin = await api('/api/groups/presses/golden', {
    method: 'POST',
    body: JSON.stringify({ cell: cellId('press-02') }),
  });
  assert.equal(pin.status, 200);
  const golden = (await (await api('/api/groups/presses/comparison')).json()) as {
    baselineSource: string;
    rows: Array<{ outliers: unknown[] }>;
  };
  assert.equal(golden.baselineSource, 'golden');
  assert.equal(golden.rows[0]?.outliers.length, 2);
  assert.equal((await api('/api/groups/presses/comparison?format=pdf')).status, 400);
});
