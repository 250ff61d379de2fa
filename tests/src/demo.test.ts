// The README's first command: the demo fleet as `npm run demo` starts it (a relative data dir,
// default probe interval) shows every cell's true diagnosis, and seeds the example proposal.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { CellSummary } from '@cellfleet/protocol';
import { waitFor } from '@cellfleet/testkit';
import { type DemoFleet, startDemoFleet } from '../../demo/fleet.ts';
import { quietLogger } from './support/hub.ts';

const DATA = `.data/test-demo-${process.pid}`;
let fleet: DemoFleet;

before(async () => {
  fleet = await startDemoFleet({ dataDir: DATA, httpPort: 0, mqttPort: 0, logger: quietLogger() });
});
after(async () => {
  await fleet.stop();
  rmSync(DATA, { recursive: true, force: true });
});

test('every demo cell reports its true diagnosis, and the example proposal is seeded', async () => {
  const token = fleet.users[0]!.token;
  const codes = await waitFor('every cell probed', async () => {
    const res = await fetch(`${fleet.hub.httpUrl}/api/cells`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const cells = (await res.json()) as CellSummary[];
    // press-02's client probe follows its own probe in the same cycle: wait for both.
    const press02 = cells.find((c) => c.cell === 'press-02')?.lastProbe;
    return cells.every((c) => c.lastProbe) && press02?.client
      ? Object.fromEntries(cells.map((c) => [c.cell, c.lastProbe!.diagnosis.code]))
      : undefined;
  });
  assert.deepEqual(codes, {
    'press-01': 'ok',
    'press-02': 'client-cert-untrusted',
    'press-03': 'ok',
    'press-04': 'ok',
    'press-05': 'port-closed',
    'weld-01': 'ok',
    'weld-02': 'ok',
    'weld-03': 'device-not-communicating',
    'pack-01': 'ok',
    'pack-02': 'anonymous-disabled',
    'fill-01': 'ok',
    'fill-02': 'port-closed',
  });
  // The mixed plant: the FactoryTalk and WinCC cells' fixes come first for their platform, and
  // say why, through the hub as the UI reads them.
  const res = await fetch(`${fleet.hub.httpUrl}/api/cells`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const byCell = new Map(((await res.json()) as CellSummary[]).map((c) => [c.cell, c.lastProbe?.diagnosis]));
  for (const [cell, vendor, product] of [
    ['pack-02', 'rockwell', 'FactoryTalk Linx Gateway'],
    ['fill-02', 'siemens', 'WinCC Unified'],
  ] as const) {
    const d = byCell.get(cell);
    assert.equal(d?.remediation?.[0]?.vendor, vendor, `${cell}: first fix block`);
    assert.equal(d?.rankedFor?.product, product, `${cell}: ranked for`);
    assert.ok(d?.rankedFor?.why, `${cell}: says why`);
  }
  await fleet.seedExample();
  const actions = await fleet.hub.services.actions.list();
  assert.ok(
    actions.some((a) => a.runs.some((r) => r.cell === 'plant1.line-a.press-04') && a.state === 'proposed'),
    'erin’s align proposal for press-04',
  );
});
