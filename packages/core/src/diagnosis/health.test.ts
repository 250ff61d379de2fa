// Health signals per vendor, table-driven on recorded readings: which browse paths match, when
// a value means "device down", which device it names and since when.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deviceOf, type HealthReading, healthSignals, judgeHealth, matchesSignal } from './health.ts';
import type { HealthSignalSpec } from './vendors/types.ts';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const spec = (id: string): HealthSignalSpec => {
  const s = healthSignals().find((x) => x.id === id);
  assert.ok(s, id);
  return s;
};

test('every vendor default signal has a unique id', () => {
  const ids = healthSignals().map((s) => s.id);
  assert.equal(new Set(ids).size, ids.length);
  const site: HealthSignalSpec = {
    id: 'site-plc',
    label: 'site',
    path: 'PLC/Ok',
    device: 1,
    bad: { equals: [false] },
  };
  assert.equal(healthSignals([site])[0], site, "a site's own signals come first");
  assert.deepEqual(healthSignals([site], false), [site]);
});

const MATCHES: [string, string, boolean][] = [
  ['kepware-device-error', 'Channel1/Device1/_System/_Error', true],
  ['kepware-device-error', '_System/_Error', true],
  ['kepware-device-error', 'Channel1/Device1/_System/_NoError', false],
  ['ignition-device-connected', 'Devices/PLC1/Connected', true],
  ['ignition-device-connected', 'Other/PLC1/Connected', false],
  ['aveva-sys-status', 'ABCIP/PLC1/$SYS$Status', true],
  ['aveva-sys-status', '$SYS$Status', false], // the root level always reads good (minDepth)
  ['wincc-oa-connstate', 'PLC1/Common/State/ConnState', true],
  ['ge-collector-heartbeat', 'SCADA1/HIST_HEARTBEAT/F_CV', true],
  ['ge-collector-status', 'SCADA1/HIST_STATUS/F_CV', false],
];
for (const [id, path, expected] of MATCHES) {
  test(`health path ${id} ${expected ? 'matches' : 'does not match'} ${path}`, () => {
    assert.equal(matchesSignal(spec(id), path), expected);
  });
}

interface Judge {
  readonly id: string;
  readonly r: HealthReading;
  readonly bad: boolean;
  readonly device: string;
  readonly since?: number;
  readonly text?: string;
}

const JUDGE: [string, Judge][] = [
  [
    'Kepware _Error true, 240 s in error',
    {
      id: 'kepware-device-error',
      r: {
        node: 'Channel1/Device1/_System/_Error',
        status: 'Good',
        value: true,
        siblings: { _SecondsInError: 240 },
      },
      bad: true,
      device: 'Channel1/Device1',
      since: NOW - 240_000,
    },
  ],
  [
    'Kepware _Error false',
    {
      id: 'kepware-device-error',
      r: { node: 'Channel1/Device1/_System/_Error', status: 'Good', value: false },
      bad: false,
      device: 'Channel1/Device1',
    },
  ],
  [
    'Ignition Connected false, status text',
    {
      id: 'ignition-device-connected',
      r: {
        node: 'Devices/PLC1/Connected',
        status: 'Good',
        value: false,
        sourceTimestamp: NOW - 60_000,
        siblings: { Status: 'Faulted' },
      },
      bad: true,
      device: 'PLC1',
      since: NOW - 60_000,
      text: 'Faulted',
    },
  ],
  [
    'AVEVA $SYS$Status 0 (a number) with its error text',
    {
      id: 'aveva-sys-status',
      r: {
        node: 'ABCIP/PLC1/$SYS$Status',
        status: 'Good',
        value: 0,
        sourceTimestamp: NOW - 5000,
        siblings: { $SYS$ErrorText: 'no response' },
      },
      bad: true,
      device: 'ABCIP/PLC1',
      text: 'no response',
    },
  ],
  [
    'AVEVA $SYS$ErrorCode negative',
    {
      id: 'aveva-sys-errorcode',
      r: { node: 'ABCIP/PLC1/$SYS$ErrorCode', status: 'Good', value: -12 },
      bad: true,
      device: 'ABCIP/PLC1',
    },
  ],
  [
    'AVEVA $SYS$ErrorCode positive: connecting, not an error',
    {
      id: 'aveva-sys-errorcode',
      r: { node: 'ABCIP/PLC1/$SYS$ErrorCode', status: 'Good', value: 3 },
      bad: false,
      device: 'ABCIP/PLC1',
    },
  ],
  [
    'WinCC OA ConnState 5 Failure',
    {
      id: 'wincc-oa-connstate',
      r: { node: 'PLC1/Common/State/ConnState', status: 'Good', value: 5 },
      bad: true,
      device: 'PLC1',
    },
  ],
  [
    'WinCC OA ConnState 256 Connected',
    {
      id: 'wincc-oa-connstate',
      r: { node: 'PLC1/Common/State/ConnState', status: 'Good', value: 256 },
      bad: false,
      device: 'PLC1',
    },
  ],
  [
    'Historian heartbeat 10 min old',
    {
      id: 'ge-collector-heartbeat',
      r: { node: 'SCADA1/HIST_HEARTBEAT/F_CV', status: 'Good', value: 1, sourceTimestamp: NOW - 600_000 },
      bad: true,
      device: 'SCADA1',
      since: NOW - 600_000,
    },
  ],
  [
    'Historian heartbeat 40 s old',
    {
      id: 'ge-collector-heartbeat',
      r: { node: 'SCADA1/HIST_HEARTBEAT/F_CV', status: 'Good', value: 1, sourceTimestamp: NOW - 40_000 },
      bad: false,
      device: 'SCADA1',
    },
  ],
  [
    'Historian collector status "stopped" (any case)',
    {
      id: 'ge-collector-status',
      r: { node: 'SCADA1/HIST_STATUS/A_CV', status: 'Good', value: 'stopped' },
      bad: true,
      device: 'SCADA1',
    },
  ],
  [
    'the item itself reads BadNoCommunication',
    {
      id: 'wincc-oa-connstate',
      r: { node: 'PLC1/Common/State/ConnState', status: 'BadNoCommunication' },
      bad: true,
      device: 'PLC1',
    },
  ],
  [
    'the item does not exist: says nothing about the device',
    {
      id: 'kepware-device-error',
      r: { node: 'Channel1/Device1/_System/_Error', status: 'BadNodeIdUnknown' },
      bad: false,
      device: 'Channel1/Device1',
    },
  ],
];
for (const [name, c] of JUDGE) {
  test(`health judge: ${name}`, () => {
    const e = judgeHealth(spec(c.id), c.r, NOW);
    assert.equal(e.bad, c.bad);
    assert.equal(e.device, c.device);
    assert.equal(e.source, c.id);
    if (c.since !== undefined) assert.equal(e.since, c.since);
    if (!c.bad) assert.equal(e.since, undefined);
    if (c.text) assert.equal(e.text, c.text);
  });
}

test('a WinCC OA coded value is shown with its words', () => {
  const e = judgeHealth(
    spec('wincc-oa-connstate'),
    { node: 'PLC1/Common/State/ConnState', status: 'Good', value: 1 },
    NOW,
  );
  assert.equal(e.value, '1 (Not Connected)');
});

test('deviceOf never returns an empty name', () => {
  assert.equal(deviceOf({ device: 5 }, 'a/b'), 'a');
  assert.equal(deviceOf({ device: 1, skip: 1 }, 'Devices/PLC1/Connected'), 'PLC1');
});
