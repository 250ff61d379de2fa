import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { diffEntries, isNodeEntry } from '@cellfleet/core';
import { openSession } from '../opcua/session.ts';
import type { TestServer } from '../opcua/testing.ts';
import { type AgentPki, openAgentPki } from '../pki/pki.ts';
import { snapshotHash } from './publisher.ts';
import { type SnapshotOptions, takeSnapshot } from './snapshotter.ts';
import { startTreeServer, type TreeOptions } from './test-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'cellfleet-snapshotter-'));
let pki: AgentPki;
const servers: TestServer[] = [];

before(async () => {
  pki = await openAgentPki({ dir: join(dir, 'agent'), disableFileWatchers: true });
});
after(async () => {
  for (const s of servers) await s.stop();
  await pki.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function snap(tree: Omit<TreeOptions, 'dir'>, opts: Partial<SnapshotOptions> = {}) {
  const server = await startTreeServer({ dir: join(dir, 'server'), ...tree });
  servers.push(server);
  const s = await openSession(
    { name: 'ep', url: server.url, security: 'none', allowSecurityNone: true },
    { pki, timeoutMs: 5000 },
  );
  try {
    return await takeSnapshot(s.session, { endpoint: 'kepware', now: Date.now, secretSalt: 'salt', ...opts });
  } finally {
    await s.close();
  }
}

/** Server identity and certificate differ per test server; the address space is what we compare. */
const tree = (entries: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(entries).filter(([k]) => k.startsWith('/')));

test('keys are browse paths with namespace URIs; values, secrets and process values by rule', async () => {
  const run = await snap({});
  const e = run.snapshot.entries;
  const speed =
    e['/Objects/{KEPServerEX}Channel1/{KEPServerEX}Device1/{KEPServerEX}Recipe/{KEPServerEX}Speed'];
  assert.deepEqual(speed, { class: 'Variable', dataType: 'Double', access: 'RW', value: 100 });
  const pw = e['/Objects/{KEPServerEX}Channel1/{KEPServerEX}Device1/{KEPServerEX}Password'];
  assert.ok(isNodeEntry(pw) && typeof pw.value === 'object' && pw.value !== null && '$redacted' in pw.value);
  const actual = e['/Objects/{KEPServerEX}Channel1/{KEPServerEX}Device1/{KEPServerEX}ActualSpeed'];
  assert.deepEqual(actual, { class: 'Variable', dataType: 'Double', access: 'R' });
  assert.equal(e['/Objects/{KEPServerEX}_System'], undefined, 'Kepware _System folder is not a default root');
  assert.equal(run.snapshot.status.state, 'complete');
  assert.equal(e['server.productName'], 'KEPServerEX/UA Server');
  assert.ok(typeof e['certificate.notAfter'] === 'string');
});

test('hash is stable across runs, node-id changes and namespace index shuffles', async () => {
  const a = await snap({});
  const again = await snap({});
  const renamed = await snap({ idPrefix: 'X_', namespaces: ['urn:other', 'urn:third', 'KEPServerEX'] });
  assert.deepEqual(tree(again.snapshot.entries), tree(a.snapshot.entries));
  assert.deepEqual(tree(renamed.snapshot.entries), tree(a.snapshot.entries));
  const h = (r: typeof a) => snapshotHash({ ...r.snapshot, entries: tree(r.snapshot.entries) as never });
  assert.equal(h(again), h(a));
  assert.equal(h(renamed), h(a));
  const changed = await snap({ speed: 120 });
  const d = diffEntries(tree(a.snapshot.entries) as never, tree(changed.snapshot.entries) as never);
  assert.deepEqual(
    d.changed.map((c) => [c.label, c.from, c.to]),
    [['Channel1/Device1/Recipe/Speed', 100, 120]],
  );
});

test('a cyclic reference is skipped and noted; the snapshot is complete', async () => {
  const run = await snap({ cycle: true });
  assert.equal(run.snapshot.status.state, 'complete');
  assert.match(run.snapshot.status.notes?.join() ?? '', /1 reference\(s\) back to an ancestor skipped/);
});

test('more nodes than the maximum: truncated, with a truthful reason and a deterministic cut', async () => {
  const run = await snap({ extra: 300 }, { maxNodes: 100, maxRead: 50 });
  const s = run.snapshot.status;
  assert.equal(s.state, 'truncated');
  assert.equal(s.nodes, 100);
  assert.match(s.reason ?? '', /node limit 100 reached/);
  const again = await snap({ extra: 300 }, { maxNodes: 100 });
  assert.deepEqual(
    Object.keys(tree(again.snapshot.entries)).sort(),
    Object.keys(tree(run.snapshot.entries)).sort(),
  );
  assert.ok(run.stats.requests.read >= 3, 'reads were batched to maxRead');
});

test('roots by browse path and by node id give the same keys', async () => {
  const byPath = await snap({}, { roots: ['/Objects/{KEPServerEX}Channel1/Device1/Recipe'] });
  const byId = await snap({}, { roots: ['ns=2;s=Channel1.Device1.Recipe'] });
  assert.deepEqual(tree(byId.snapshot.entries), tree(byPath.snapshot.entries));
  assert.ok(
    '/Objects/{KEPServerEX}Channel1/{KEPServerEX}Device1/{KEPServerEX}Recipe' in byId.snapshot.entries,
  );
});

test('a server that reports its start as BuildDate: no drift after a restart (issue 13)', async () => {
  const first = await snap({ buildDate: 'start' });
  await new Promise((r) => setTimeout(r, 20)); // a later start, so a recorded BuildDate would differ
  const restarted = await snap({ buildDate: 'start' });
  assert.equal(first.snapshot.entries['server.buildDate'], undefined);
  assert.ok(first.snapshot.status.notes?.some((n) => n.includes('follows ServerStatus.StartTime')));
  assert.equal(
    snapshotHash(restarted.snapshot),
    snapshotHash(first.snapshot),
    'the whole snapshot hashes the same',
  );
  const built = await snap({ buildDate: new Date('2024-11-05T00:00:00Z') });
  assert.equal(
    built.snapshot.entries['server.buildDate'],
    '2024-11-05T00:00:00.000Z',
    'a real build date is kept',
  );
});

test('default roots: every non-standard child of Objects, even with a namespace-0 browse name', async () => {
  const run = await snap({ ns0Folder: true });
  const roots = run.snapshot.entries['roots'] as string[];
  assert.ok(roots.includes('/Objects/PlcData'), JSON.stringify(roots));
  assert.ok(!roots.some((r) => r.endsWith('/Server')), 'the standard Server object is left out');
  assert.deepEqual(run.snapshot.entries['/Objects/PlcData/{KEPServerEX}Setpoint'], {
    class: 'Variable',
    dataType: 'Double',
    access: 'RW',
    value: 42,
  });
});
