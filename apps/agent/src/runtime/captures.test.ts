import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { encodePcapng } from '@cellfleet/core';
import type { ProbeResult } from '../probe/index.ts';
import { CAPTURE_RETENTION, createCaptureKeeper, prune } from './captures.ts';

const dir = mkdtempSync(join(tmpdir(), 'cellfleet-captures-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const result = (code: string, at: number): ProbeResult =>
  ({
    body: { ok: code === 'ok', startedAt: at, diagnosis: { code } },
    capture: encodePcapng({ connections: [], comment: `${code} at ${at}` }),
  }) as unknown as ProbeResult;

test('the last failing capture per endpoint and client is kept, and sent when the failure is new', () => {
  let now = 1_000;
  const keeper = createCaptureKeeper({ dir: join(dir, 'a'), now: () => now });
  const first = keeper.keep('kepware', 'ignition-gateway', result('client-cert-untrusted', 1));
  assert.equal(first?.client, 'ignition-gateway');
  assert.equal(Buffer.from(first?.pcapng ?? '', 'base64').readUInt32LE(0), 0x0a0d0d0a);
  const file = join(dir, 'a', 'kepware--ignition-gateway.pcapng');
  assert.equal(statSync(file).mode & 0o077, 0);
  now += 60_000;
  assert.equal(
    keeper.keep('kepware', 'ignition-gateway', result('client-cert-untrusted', 2)),
    undefined,
    'same failure: kept, not resent',
  );
  assert.match(readFileSync(file, 'latin1'), /client-cert-untrusted at 2/, 'the newest capture is on disk');
  assert.ok(
    keeper.keep('kepware', 'ignition-gateway', result('port-closed', 3)),
    'a changed diagnosis is sent',
  );
  now += CAPTURE_RETENTION.reuploadMs;
  assert.ok(keeper.keep('kepware', 'ignition-gateway', result('port-closed', 4)), 'an hour later, again');
  assert.equal(keeper.keep('kepware', undefined, result('ok', 5)), undefined, 'a pass keeps nothing');
  assert.deepEqual(readdirSync(join(dir, 'a')), ['kepware--ignition-gateway.pcapng']);
});

test('retention: no more than maxFiles, none older than maxAge', () => {
  const d = join(dir, 'b');
  createCaptureKeeper({ dir: d, now: Date.now }).keep('x', undefined, result('port-closed', 1));
  const now = Date.now();
  for (let i = 0; i < CAPTURE_RETENTION.maxFiles + 3; i++) {
    const f = join(d, `e${i}.pcapng`);
    writeFileSync(f, 'x');
    const t = (now - i * 1000) / 1000;
    utimesSync(f, t, t);
  }
  const old = join(d, 'old.pcapng');
  writeFileSync(old, 'x');
  const t = (now - CAPTURE_RETENTION.maxAgeMs - 60_000) / 1000;
  utimesSync(old, t, t);
  prune(d, now);
  const left = readdirSync(d);
  assert.equal(left.length, CAPTURE_RETENTION.maxFiles);
  assert.ok(!left.includes('old.pcapng'));
});
