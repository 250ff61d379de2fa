// A site's own health signal (issue 13 item 5): a PLC-embedded server without a vendor profile
// exposes a fieldbus flag; the endpoint config names it, and a device outage in the emulated
// cell turns into device-not-communicating naming that device and since when, and back.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type AgentPki, openAgentPki, probeEndpoint } from '@cellfleet/agent';
import { type RunningCell, startCell } from '@cellfleet/cellsim';
import type { EndpointConfig } from '@cellfleet/protocol';

const dir = mkdtempSync(join(tmpdir(), 'cellfleet-health-'));
let cell: RunningCell;
let pki: AgentPki;

before(async () => {
  [cell, pki] = await Promise.all([
    startCell({ kind: 'generic', name: 'plc-h' }),
    openAgentPki({ dir: join(dir, 'agent'), disableFileWatchers: true }),
  ]);
});
after(async () => {
  await cell.stop();
  await pki.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const endpoint = (): EndpointConfig => ({
  name: 'plc',
  url: cell.endpointUrl,
  trustOnFirstUse: true,
  health: {
    defaults: false,
    signals: [
      {
        id: 'fieldbus',
        label: 'Fieldbus OK',
        path: 'PLC/Diagnostics/FieldbusOk',
        device: 2,
        bad: { equals: [false] },
      },
    ],
  },
});

test('a configured health signal names the device and since when, and clears when it is back', async () => {
  const up = await probeEndpoint(endpoint(), { pki, timeoutMs: 8000 });
  assert.equal(up.body.diagnosis.code, 'ok');
  assert.ok(up.evidence.deviceHealth?.some((d) => d.source === 'fieldbus' && !d.bad));
  const switched = Date.now();
  await cell.setFaults(['device-not-communicating']);
  const down = await probeEndpoint(endpoint(), { pki, timeoutMs: 8000 });
  assert.equal(down.body.diagnosis.code, 'device-not-communicating');
  assert.match(
    down.body.diagnosis.summary,
    /PLC: Fieldbus OK = false, since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/,
  );
  const since = down.evidence.deviceHealth?.find((d) => d.source === 'fieldbus')?.since ?? 0;
  assert.ok(Math.abs(since - switched) < 2000, `since ${since} vs switched ${switched}`);
  await cell.setFaults([]);
  const back = await probeEndpoint(endpoint(), { pki, timeoutMs: 8000 });
  assert.equal(back.body.diagnosis.code, 'ok');
});
