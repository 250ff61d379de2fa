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
    return cells.every((c) => c.lastProbe)
      ? Object.fromEntries(cells.map((c) => [c.cell, c.lastProbe!.diagnosis.code]))
      : undefined;
  });
  assert.deepEqual(codes, {
    'press-01': 'ok',
    'press-02': 'ok',
    'press-03': 'ok',
    'press-04': 'ok',
    'press-05': 'port-closed',
    'weld-01': 'ok',
    'weld-02': 'ok',
    'weld-03': 'device-not-communicating',
  });
  await fleet.seedExample();
  const actions = await fleet.hub.services.actions.list();
  assert.ok(
    actions.some((a) => a.runs.some((r) => r.cell === 'plant1.line-a.press-04') && a.state === 'proposed'),
    'erin’s align proposal for press-04',
  );
});
