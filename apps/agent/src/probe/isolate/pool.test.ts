// The probe pool against real hosts (child processes) and real hostile peers: a crash, a stall
// and a memory overrun each become a diagnosis, the pool survives them, and sound hosts are reused.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../../opcua/testing.ts';
import { startHostilePeer } from '../hostile-peer.ts';
import { HOSTILE_SCRIPTS } from '../hostile-scripts.ts';
import type { RawPeer } from '../raw-peers.ts';
import { createProbePool } from './pool.ts';

const dir = mkdtempSync(join(tmpdir(), 'cellfleet-pool-'));
const pki = { dir: join(dir, 'agent') };
let server: TestServer;
const peers: RawPeer[] = [];

before(async () => {
  server = await startTestServer({ dir: join(dir, 'server') });
});
after(async () => {
  for (const p of peers) await p.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function peer(name: string): Promise<string> {
  const s = HOSTILE_SCRIPTS.find((x) => x.name === name);
  assert.ok(s, name);
  const p = await startHostilePeer({
    script: s.make(),
    ...(s.upstream ? { upstream: { host: '127.0.0.1', port: server.port } } : {}),
  });
  peers.push(p);
  return p.url;
}

const endpoint = (url: string) => ({ name: 'ep', url, trustOnFirstUse: true });

test('a node-opcua crash is a diagnosis from the evidence so far; the next probe gets a new host', async () => {
  const logs: string[] = [];
  const pool = createProbePool({ maxHosts: 1, onLog: (l) => logs.push(l) });
  try {
    const crashed = await pool.probe(endpoint(await peer('opn-answered-with-huge-err')), {
      pki,
      timeoutMs: 3000,
    });
    assert.equal(crashed.body.diagnosis.code, 'protocol-violation');
    const failed = crashed.body.steps.at(-1);
    assert.equal(failed?.name, 'endpoints', 'the rung the host was on');
    assert.match(failed?.detail ?? '', /node-opcua\) crashed .*maxStringLength/);
    assert.deepEqual(
      crashed.body.steps.slice(0, 4).map((s) => [s.name, s.ok]),
      [
        ['url', true],
        ['dns', true],
        ['tcp', true],
        ['hello', true],
      ],
    );
    assert.deepEqual({ ...pool.stats(), peakRssMb: 0 }, { started: 1, faults: 1, running: 0, peakRssMb: 0 });
    const ok = await pool.probe(endpoint(server.url), { pki, timeoutMs: 3000 });
    assert.equal(ok.body.diagnosis.code, 'ok', ok.body.diagnosis.summary);
    const again = await pool.probe(endpoint(server.url), { pki, timeoutMs: 3000 });
    assert.equal(again.body.diagnosis.code, 'ok');
    assert.equal(pool.stats().started, 2, 'the sound host was reused');
    // node-opcua logs "Error message not specified" for an ERR with an empty reason: to onLog.
    const refused = await pool.probe(endpoint(await peer('secure-opn-err-empty-reason')), {
      pki,
      timeoutMs: 3000,
    });
    assert.equal(refused.body.diagnosis.code, 'client-cert-untrusted');
    assert.ok(
      logs.some((l) => /Error message not specified/.test(l)),
      logs.join('\n'),
    );
  } finally {
    await pool.close();
  }
});

test('a host that does not finish by timeout + grace is stopped, and the probe says so', async () => {
  // A negative grace puts the agent's own deadline before the ladder's: the host looks stalled.
  const pool = createProbePool({ maxHosts: 1, graceMs: -7500 });
  try {
    await pool.probe(endpoint(await peer('ack-zero-sizes')), { pki, timeoutMs: 8000 }); // start the host
    assert.equal(pool.stats().faults, 0, 'a quick probe finishes within the 500 ms deadline');
    const t0 = performance.now();
    const r = await pool.probe(endpoint(await peer('silent')), { pki, timeoutMs: 8000 });
    // The ladder itself would give up on the silent Hello after 5 s (its hello cap).
    assert.ok(performance.now() - t0 < 4000, 'stopped at the deadline, not after the ladder’s timeout');
    assert.equal(r.body.diagnosis.code, 'protocol-violation');
    assert.match(
      r.body.steps.at(-1)?.detail ?? '',
      /did not finish within 500 ms, so its process was stopped/,
    );
    assert.equal(pool.stats().faults, 1);
    // The stopped host is never handed out again, even before its exit is seen.
    const next = await pool.probe(endpoint(await peer('ack-zero-sizes')), { pki, timeoutMs: 8000 });
    assert.equal(next.body.diagnosis.code, 'protocol-violation');
    assert.match(next.body.diagnosis.summary, /ReceiveBufferSize 0/);
    assert.deepEqual([pool.stats().started, pool.stats().faults], [2, 1]);
  } finally {
    await pool.close();
  }
});

test('a host over its memory budget is a diagnosis that names the budget', async () => {
  // node-opcua alone takes more than 64 MiB, so the host passes this budget at once.
  const pool = createProbePool({ maxHosts: 1, memoryBudgetMb: 64 });
  try {
    const r = await pool.probe(endpoint(server.url), { pki, timeoutMs: 3000 });
    assert.equal(r.body.diagnosis.code, 'protocol-violation');
    assert.match(r.body.steps.at(-1)?.detail ?? '', /memory budget/);
  } finally {
    await pool.close();
  }
});

test('probes beyond maxHosts wait for a free host; all settle', async () => {
  const pool = createProbePool({ maxHosts: 2 });
  try {
    const urls = [server.url, await peer('ack-zero-sizes'), server.url, await peer('reset-after-hello')];
    const codes = await Promise.all(
      urls.map(async (u) => (await pool.probe(endpoint(u), { pki, timeoutMs: 3000 })).body.diagnosis.code),
    );
    assert.deepEqual(codes, ['ok', 'protocol-violation', 'ok', 'connection-dropped']);
    assert.equal(pool.stats().started, 2);
  } finally {
    await pool.close();
  }
});
