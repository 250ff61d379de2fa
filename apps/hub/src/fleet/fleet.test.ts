// The fleet store and change feed on both engines: facts folded from probes, version and
// certificate changes recorded once, retention, and the feed merging drift, those changes and
// action steps with its filters and pages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProbeFacts } from '@cellfleet/core';
import { onBothDialects } from '../db/dialects.test-support.ts';
import type { Sql } from '../db/sql.ts';
import { createServices } from '../services.ts';
import { openSqlSnapshotStore } from '../snapshots/index.ts';
import { fleetChanges } from './feed.ts';
import { openFleetStore } from './store.ts';

const H = 3_600_000;
const NOW = Date.UTC(2026, 11, 5, 12);
const cert = (t: string, subject = `CN=${t}`) => ({
  thumbprint: t.repeat(40),
  subject,
  issuer: 'CN=Plant CA',
  notBefore: NOW - 100 * 24 * H,
  notAfter: NOW + 20 * 24 * H,
});
const probe = (version: string, server: string, agent = 'f'): ProbeFacts => ({
  endpoint: 'kepware',
  server: { buildInfo: { productName: 'KEPServerEX', softwareVersion: version, buildNumber: '' } },
  serverCertificate: cert(server),
  agentCertificate: cert(agent),
});

async function fleetOn(sql: Sql) {
  const services = await createServices({ sql, now: () => NOW, sendAction: async () => {} });
  const place = (id: string) => {
    const [site = '', line = '', cell = ''] = id.split('.');
    return { id, site, line, cell, secretHash: 'x', enrolledAt: NOW - 48 * H };
  };
  await services.cells.enroll({ ...place('plant1.lineA.press-01'), sisterGroup: 'presses' });
  await services.cells.enroll({ ...place('plant1.lineA.press-02'), sisterGroup: 'presses' });
  await services.cells.enroll({ ...place('plant2.lineB.weld-01'), sisterGroup: 'welders' });
  const deps = {
    sql,
    fleet: services.fleet,
    enrollments: () => services.cells.listEnrollments(),
    now: () => NOW,
  };
  return { services, deps };
}

onBothDialects('fleet store and change feed', (open) => {
  test('a probe is folded into facts: the first sighting is no change, a new version or thumbprint is', async (t) => {
    const sql = await open();
    t.after(() => sql.close());
    const fleet = await openFleetStore(sql);
    assert.equal(await fleet.recordProbe('a.b.c', probe('6.16', 'a'), NOW - 5 * H), 0);
    assert.equal(await fleet.recordProbe('a.b.c', probe('6.16', 'a'), NOW - 4 * H), 0);
    assert.equal(await fleet.recordProbe('a.b.c', probe('6.17', 'b'), NOW - 3 * H), 2);
    // An old probe replayed from an outbox changes nothing back.
    assert.equal(await fleet.recordProbe('a.b.c', probe('6.15', 'c'), NOW - 6 * H), 0);
    const changes = await fleet.changes({ since: 0, before: NOW, limit: 10 });
    assert.deepEqual(
      changes.map((c) => [c.kind, c.from, c.to]),
      // Same probe, same time: the later row first.
      [
        ['certificate', 'a'.repeat(40), 'b'.repeat(40)],
        ['version', '6.16', '6.17'],
      ],
    );
    assert.match(changes.find((c) => c.kind === 'version')!.summary, /^KEPServerEX 6\.16 → 6\.17$/);
    assert.match(
      changes.find((c) => c.kind === 'certificate')!.summary,
      /new server certificate at kepware: CN=b/,
    );
    const sightings = await fleet.certificateSightings();
    assert.deepEqual(
      sightings.map((s) => [s.role, s.where, s.certificate.thumbprint[0], s.certificate.issuer]).sort(),
      [
        ['agent', 'agent', 'f', 'CN=Plant CA'],
        ['server', 'kepware', 'b', 'CN=Plant CA'],
      ],
    );
  });

  test('retention keeps at most maxPerCell changes per cell and none older than maxAgeMs', async (t) => {
    const sql = await open();
    t.after(() => sql.close());
    const fleet = await openFleetStore(sql, { maxPerCell: 3, maxAgeMs: 10 * H });
    for (let i = 0; i < 8; i++) await fleet.recordProbe('a.b.c', probe(`1.${i}`, 'a'), NOW - 20 * H + i * H);
    const kept = await fleet.changes({ since: 0, before: NOW, limit: 100 });
    assert.deepEqual(
      kept.map((c) => c.to),
      ['1.7', '1.6', '1.5'],
    );
    await fleet.recordProbe('a.b.c', probe('2.0', 'a'), NOW);
    const after = await fleet.changes({ since: 0, before: NOW + 1, limit: 100 });
    assert.deepEqual(
      after.map((c) => c.to),
      ['2.0'],
      'the others are older than 10 h',
    );
  });

  test('the feed merges drift, version and certificate changes and action steps, newest first', async (t) => {
    const sql = await open();
    t.after(() => sql.close());
    const { services, deps } = await fleetOn(sql);
    const snapshots = await openSqlSnapshotStore(sql);
    await snapshots.addDrift({
      cell: 'plant1.lineA.press-01',
      endpoint: 'kepware',
      at: NOW - 2 * H,
      fromHash: 'a',
      toHash: 'b',
      text: 'Channel1.Device1.Speed changed 100 → 120',
      changes: [{ key: 'Channel1.Device1.Speed', label: 'Speed', kind: 'changed', from: 100, to: 120 }],
    });
    await services.fleet.recordProbe('plant2.lineB.weld-01', probe('6.16', 'a'), NOW - 30 * H);
    await services.fleet.recordProbe('plant2.lineB.weld-01', probe('6.17', 'a'), NOW - 3 * H);
    const engineer = { name: 'erin', role: 'engineer' as const };
    const action = await services.actions.propose(
      engineer,
      {
        type: 'run-maintenance-script',
        params: { name: 'restart' },
        cells: ['plant1.lineA.press-02'],
        reason: 'restart the gateway',
        window: { start: NOW, end: NOW + H },
      },
      NOW - H,
    );
    await services.actions.approve({ name: 'ann', role: 'approver' }, action.id, NOW - H / 2);

    const all = await fleetChanges(deps, {});
    assert.deepEqual(
      all.items.map((c) => [c.kind, c.cells.join(' '), c.summary]),
      [
        ['action', 'plant1.lineA.press-02', 'run-maintenance-script approved'],
        ['action', 'plant1.lineA.press-02', 'run-maintenance-script proposed'],
        ['drift', 'plant1.lineA.press-01', '1 key changed on kepware'],
        ['version', 'plant2.lineB.weld-01', 'KEPServerEX 6.16 → 6.17'],
      ],
    );
    assert.deepEqual(all.items[2]!.keys, [
      { key: 'Channel1.Device1.Speed', label: 'Speed', from: '100', to: '120' },
    ]);
    assert.equal(all.items[0]!.actor, 'ann');
    assert.equal(all.next, null);
    assert.equal(all.since, NOW - 24 * H);

    const only = async (q: Parameters<typeof fleetChanges>[1]) =>
      (await fleetChanges(deps, q)).items.map((c) => `${c.kind} ${c.cells.join(' ')}`);
    assert.deepEqual(await only({ kind: 'drift' }), ['drift plant1.lineA.press-01']);
    assert.deepEqual(await only({ site: 'plant2' }), ['version plant2.lineB.weld-01']);
    assert.deepEqual(await only({ group: 'presses', kind: 'action' }), [
      'action plant1.lineA.press-02',
      'action plant1.lineA.press-02',
    ]);
    assert.deepEqual(await only({ cell: 'PRESS-01' }), ['drift plant1.lineA.press-01']);
    assert.deepEqual(await only({ cell: 'nowhere' }), []);
    assert.deepEqual(await only({ since: NOW - 2.5 * H }), [
      'action plant1.lineA.press-02',
      'action plant1.lineA.press-02',
      'drift plant1.lineA.press-01',
    ]);
    assert.deepEqual(await only({ since: NOW - 48 * H, kind: 'version' }), ['version plant2.lineB.weld-01']);

    // A page of two, then the rest from its cursor.
    const first = await fleetChanges(deps, { limit: 2 });
    assert.equal(first.items.length, 2);
    assert.equal(first.next, NOW - H);
    const rest = await fleetChanges(deps, { limit: 2, before: first.next!, since: all.since });
    assert.deepEqual(
      rest.items.map((c) => c.kind),
      ['drift', 'version'],
    );
    assert.equal(rest.next, null);
  });

  test('a range over 31 days is refused, naming the field', async (t) => {
    const sql = await open();
    t.after(() => sql.close());
    const { deps } = await fleetOn(sql);
    await assert.rejects(fleetChanges(deps, { since: NOW - 40 * 24 * H }), {
      code: 'bad-request',
      field: 'since',
    });
  });
});
