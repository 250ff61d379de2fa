// The probe pool against real hosts (child processes) and real hostile peers: a crash, a stall
// (a frozen host, or one that beats and never answers) and a memory overrun each become a
// diagnosis, the pool survives them, and sound hosts are reused; a starved host is not a stall.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

/** The live probe hosts among this process's children (Linux; a reaped-to-be host has no cmdline). */
function hostPids(): number[] {
  const children = readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8');
  const cmdline = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      return '';
    }
  };
  return children
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((pid) => cmdline(pid).includes('host-main'));
}

test('a host past timeout + grace that keeps beating is not stopped: a starved host is not dead', async () => {
  // The deadline (timeout + grace) is 1 s, the ladder gives up on the silent Hello at its 2 s
  // timeout, and the hang guard is 3 s: only the host's heartbeats keep it alive in between.
  const pool = createProbePool({ maxHosts: 1, graceMs: -1000 });
  try {
    const r = await pool.probe(endpoint(await peer('silent')), { pki, timeoutMs: 2000 });
    assert.equal(r.body.diagnosis.code, 'handshake-timeout', r.body.steps.at(-1)?.detail);
    assert.equal(pool.stats().faults, 0);
  } finally {
    await pool.close();
  }
});

test('a silent host past timeout + grace is stopped, and the probe says so', async () => {
  const pool = createProbePool({ maxHosts: 1, graceMs: 500 });
  try {
    await pool.probe(endpoint(await peer('ack-zero-sizes')), { pki, timeoutMs: 3000 }); // start the host
    const pids = hostPids();
    const pid = pids[0];
    assert.ok(pid !== undefined && pids.length === 1, `one probe host: ${pids.join(', ')}`);
    const url = await peer('silent');
    const t0 = performance.now();
    const pending = pool.probe(endpoint(url), { pki, timeoutMs: 3000 });
    setTimeout(() => process.kill(pid, 'SIGSTOP'), 200); // frozen: no heartbeat, no answer
    const r = await pending;
    // Stopped once past 3.5 s and silent for 1 s: before the ladder's own 3 s timeout could
    // have answered (it is frozen) and long before the hang guard of 6.5 s.
    assert.ok(performance.now() - t0 < 6000, `took ${Math.round(performance.now() - t0)} ms`);
    assert.equal(r.body.diagnosis.code, 'protocol-violation');
    assert.match(r.body.steps.at(-1)?.detail ?? '', /past its timeout of 3000 ms \+ 500 ms and silent/);
    assert.deepEqual([pool.stats().started, pool.stats().faults], [1, 1]);
  } finally {
    await pool.close();
  }
});

test('a host that beats but never answers is stopped at the hang guard', async () => {
  // A grace of -15.5 s puts the hang guard (2 × 8 s − 15.5 s) at 500 ms, before the ladder's
  // own 5 s cap on the silent Hello: the host beats all along and is stopped anyway.
  const pool = createProbePool({ maxHosts: 1, graceMs: -15_500 });
  try {
    assert.equal(pool.hangGuardMs(8000), 500);
    await pool.probe(endpoint(await peer('ack-zero-sizes')), { pki, timeoutMs: 8000 }); // start the host
    assert.equal(pool.stats().faults, 0, 'a quick probe finishes within the 500 ms hang guard');
    const t0 = performance.now();
    const r = await pool.probe(endpoint(await peer('silent')), { pki, timeoutMs: 8000 });
    assert.ok(performance.now() - t0 < 4000, 'stopped at the hang guard, not after the ladder’s timeout');
    assert.equal(r.body.diagnosis.code, 'protocol-violation');
    assert.match(
      r.body.steps.at(-1)?.detail ?? '',
      /did not finish within 500 ms .*so its process was stopped/,
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
