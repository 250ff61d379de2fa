// Issue 12, finding 1, through the real processes: a broken OPC UA server must not crash
// `cellfleet-agent probe`, nor fool it, nor dirty its --json stdout; and `cellfleet-agent run`
// must keep probing its other endpoints. Each test failed on the main of 2026-11-24 (crash with
// empty stdout and exit 1; "no Acknowledge came back"; a node-opcua log line before the JSON;
// the agent process dead after its first probe).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  createProbePool,
  HOSTILE_SCRIPTS,
  onlyJson,
  type RawPeer,
  runProbeCli,
  startHostilePeer,
} from '@cellfleet/agent';
import { type RunningCell, startCell } from '@cellfleet/cellsim';
import { removeDir, waitFor } from '@cellfleet/testkit';
import { enrollAgent, spawnAgent, startTestHub, type TestHub } from './support/hub.ts';

const TIMEOUT = 3000;
/** The probe itself ends by its host's hang guard (twice its timeout plus grace) + 1 s. */
const PROBE_BOUND = createProbePool().hangGuardMs(TIMEOUT) + 1000;
/**
 * The process start and node-opcua's import in the host come on top: the pool gives a host
 * 60 s to start. A bound against hanging, not a speed goal (24 s seen at a load of 10).
 */
const START_ALLOWANCE = 60_000;
const dir = mkdtempSync(join(tmpdir(), 'cellfleet-hostile-'));
let cell: RunningCell;
const peers: RawPeer[] = [];

const script = (name: string) => {
  const s = HOSTILE_SCRIPTS.find((x) => x.name === name);
  if (!s) throw new Error(`no script ${name}`);
  return s;
};

async function peer(name: string): Promise<RawPeer> {
  const s = script(name);
  const p = await startHostilePeer({
    script: s.make(),
    ...(s.upstream ? { upstream: { host: '127.0.0.1', port: Number(new URL(cell.endpointUrl).port) } } : {}),
  });
  peers.push(p);
  return p;
}

const probe = (url: string, extra: string[] = []) =>
  runProbeCli([url, '--json', '--pki', join(dir, 'pki'), '--timeout', String(TIMEOUT), ...extra]);

before(async () => {
  cell = await startCell({ kind: 'generic', name: 'plc-hostile' });
});
after(async () => {
  for (const p of peers) await p.close();
  await cell.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('an Acknowledge with buffer sizes 0: exit 1, one JSON document, protocol-violation', async () => {
  const r = await probe((await peer('ack-zero-sizes')).url);
  assert.equal(r.code, 1, `exit ${r.code} ${r.signal ?? ''}: ${r.stderr.slice(-600)}`);
  const body = onlyJson(r.stdout);
  assert.equal(body.diagnosis.code, 'protocol-violation');
  assert.match(body.diagnosis.summary, /ReceiveBufferSize 0 is below the minimum of 8192/);
  assert.ok(body.durationMs < PROBE_BOUND, `the probe took ${body.durationMs} ms`);
  assert.ok(r.ms < PROBE_BOUND + START_ALLOWANCE, `the CLI took ${Math.round(r.ms)} ms`);
});

test('an Acknowledge with 4 GiB sizes is named, not read as "no Acknowledge came back"', async () => {
  const r = await probe((await peer('ack-4gib-sizes')).url);
  const body = onlyJson(r.stdout);
  assert.equal(body.diagnosis.code, 'protocol-violation', body.diagnosis.summary);
  assert.match(body.diagnosis.summary, /ReceiveBufferSize 4294967295 is larger than the 655360 bytes/);
});

test('--json prints one JSON document while node-opcua logs, and reads the lost ERR (issue 13)', async () => {
  // The server refuses the secure channel with ERR BadSecurityChecksFailed and an empty reason:
  // node-opcua logs "Error message not specified" and reports only the close that follows.
  const r = await probe((await peer('secure-opn-err-empty-reason')).url, ['--trust-on-first-use']);
  const body = onlyJson(r.stdout);
  assert.equal(body.diagnosis.code, 'client-cert-untrusted', body.diagnosis.summary);
});

test('a node-opcua crash on a truncated ERR becomes a diagnosis, not a dead CLI', async () => {
  const r = await probe((await peer('opn-answered-with-short-err')).url);
  assert.equal(r.code, 1, `exit ${r.code} ${r.signal ?? ''}: ${r.stderr.slice(-600)}`);
  const body = onlyJson(r.stdout);
  assert.equal(body.diagnosis.code, 'protocol-violation', body.diagnosis.summary);
});

test('run keeps probing its other endpoint when one answers with a broken Acknowledge', {
  timeout: 120_000,
}, async () => {
  const hub: TestHub = await startTestHub();
  const hostile = await peer('ack-zero-sizes');
  const a = await enrollAgent(hub, {
    cell: 'press-hostile',
    endpoints: [
      { name: 'broken', url: hostile.url },
      { name: 'healthy', url: cell.endpointUrl },
    ],
    probeIntervalMs: 1000,
    trustServers: [cell.serverCertificate()],
  });
  const agent = spawnAgent(a.configPath);
  try {
    const probes = await waitFor(
      'two rounds of probes of both endpoints',
      async () => {
        if (agent.child.exitCode !== null) return [];
        const bodies = (await hub.hub.services.cells.getCell(a.id, 50))?.probes ?? [];
        const of = (name: string) => bodies.filter((b) => b.endpoint === name);
        return of('broken').length >= 2 && of('healthy').length >= 2 ? bodies : undefined;
      },
      60_000,
    );
    assert.equal(agent.child.exitCode, null, `the agent exited: ${agent.output().slice(-1000)}`);
    assert.ok(
      probes.filter((b) => b.endpoint === 'broken').every((b) => b.diagnosis.code === 'protocol-violation'),
    );
    assert.ok(probes.some((b) => b.endpoint === 'healthy' && b.diagnosis.code === 'ok'));
  } finally {
    await agent.kill();
    await hub.stop();
    removeDir(hub.dir);
    removeDir(join(a.configPath, '..'));
  }
});
