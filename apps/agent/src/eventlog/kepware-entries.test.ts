import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entryTime, rejectionsFrom, validEntries } from './kepware-entries.ts';

const rejected = (name: string, timestamp: string) => ({
  timestamp,
  event: 'Security',
  source: 'OPC UA Server',
  message: `The UA Client certificate '${name}' has been rejected. The server cannot accept connections from the client.`,
});
const trusted = (name: string, timestamp: string) => ({
  timestamp,
  event: 'Security',
  source: 'OPC UA Configuration Manager',
  message: `The UA Client certificate '${name}' has been trusted.`,
});

test("Kepware's zone-less timestamps are UTC; a zone is honoured; garbage is no time", () => {
  assert.equal(entryTime('2026-12-05T02:04:00.000'), Date.UTC(2026, 11, 5, 2, 4));
  assert.equal(entryTime('2026-12-05T03:04:00+01:00'), Date.UTC(2026, 11, 5, 2, 4));
  assert.equal(entryTime('yesterday'), undefined);
  assert.equal(entryTime('2026-13-45T99:99:99'), undefined);
});

test('still refused: the first rejection since the last trust, newest first, any order in', () => {
  const out = rejectionsFrom([
    rejected('Ignition Gateway', '2026-12-05T02:10:00.000'),
    trusted('Old Client', '2026-12-05T01:00:00.000'),
    rejected('Ignition Gateway', '2026-12-05T02:04:00.000'),
    rejected('Old Client', '2026-12-04T23:00:00.000'),
    trusted('Ignition Gateway', '2026-12-04T12:00:00.000'),
    rejected('FTLinx "OPC UA Connector"', '2026-12-05T03:00:00.000'),
    { timestamp: '2026-12-05T04:00:00.000', source: 'x', message: 'Channel1 connected.' },
  ]);
  assert.deepEqual(
    out.map((r) => [r.certificate, new Date(r.since).toISOString(), new Date(r.lastSeen).toISOString()]),
    [
      ['FTLinx "OPC UA Connector"', '2026-12-05T03:00:00.000Z', '2026-12-05T03:00:00.000Z'],
      ['Ignition Gateway', '2026-12-05T02:04:00.000Z', '2026-12-05T02:10:00.000Z'],
    ],
  );
  assert.equal(out[1]?.source, 'OPC UA Server');
});

test('a thumbprint in the text is kept; trusting after rejection clears; other wordings read', () => {
  const out = rejectionsFrom([
    {
      timestamp: '2026-12-05T02:00:00.000',
      message: `Client certificate "Historian" (thumbprint ${'AB'.repeat(20)}) is untrusted.`,
    },
    rejected('Ignition Gateway', '2026-12-05T02:04:00.000'),
    trusted('ignition gateway', '2026-12-05T02:30:00.000'),
  ]);
  assert.deepEqual(
    out.map((r) => [r.certificate, r.thumbprint]),
    [['Historian', 'ab'.repeat(20)]],
  );
});

test('entries without a timestamp or message are skipped; long fields are capped', () => {
  const entries = validEntries([
    null,
    7,
    { message: 'no time' },
    { timestamp: '2026-12-05T02:00:00.000', message: 'm'.repeat(10_000), source: 's'.repeat(1000) },
  ]);
  assert.equal(entries.length, 1);
  assert.equal(entries[0]?.message.length, 2048);
  assert.equal(entries[0]?.source?.length, 128);
});
