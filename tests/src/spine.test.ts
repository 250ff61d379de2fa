// Issue 2 end to end: a real hub (embedded aedes + SQLite), real agent processes, and an
// emulated Kepware cell (node-opcua server). Liveness, exactly-once delivery across a hub
// outage, and no loss when an agent is killed with a full outbox.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type RunningCell, startCell } from '@cellfleet/cellsim';
import type { CellDetail, CellSummary } from '@cellfleet/protocol';
import { waitFor } from '@cellfleet/testkit';
import { type AgentProcess, enrollAgent, spawnAgent, startTestHub, type TestHub } from './support/hub.ts';

/**
 * A first probe waits for the agent's start and its probe host's (each loads node-opcua, about
 * 1.5 s on an idle machine; issue 12 put probes in a child process); on a loaded machine both
 * take several times that.
 */
const FIRST_PROBE_MS = 60_000;

let hub: TestHub;
let cell: RunningCell;
const agents: AgentProcess[] = [];

before(async () => {
  hub = await startTestHub();
  cell = await startCell({ kind: 'kepware', name: 'press-01' });
});
after(async () => {
  await Promise.all(agents.map((a) => a.kill('SIGKILL')));
  await hub.stop();
  await cell.stop();
});

const cellState = (id: string) => hub.get<CellDetail>(`/api/cells/${id}`);

/** Every stored message of the cell, with seq 1..N exactly once: nothing lost, nothing doubled. */
async function assertExactlyOnce(id: string): Promise<number> {
  const log = (await hub.hub.services.cells.messageLog(id)).filter((m) => m.seq > 0);
  const seqs = log.map((m) => m.seq);
  assert.deepEqual(
    seqs,
    Array.from({ length: seqs.length }, (_, i) => i + 1),
    'stored sequence numbers must be 1..N without gaps or repeats',
  );
  assert.equal(new Set(log.map((m) => m.id)).size, log.length, 'message ids are unique');
  return log.length;
}

describe('spine: agent → MQTT → hub → API', () => {
  test('a Kepware cell appears online with its BuildInfo', async () => {
    const a = await enrollAgent(hub, {
      cell: 'press-01',
      endpoints: [{ name: 'kepware', url: cell.endpointUrl }],
      trustServers: [cell.serverCertificate()],
    });
    agents.push(spawnAgent(a.configPath));
    const detail = await waitFor(
      'press-01 online with a probe',
      async () => {
        const c = await cellState(a.id);
        return c.online && c.buildInfo ? c : undefined;
      },
      FIRST_PROBE_MS,
    );
    assert.equal(detail.sisterGroup, 'presses');
    assert.equal(detail.buildInfo?.softwareVersion, '6.16.1');
    assert.match(detail.buildInfo?.productName ?? '', /KEPServerEX|Kepware/);
    assert.equal(detail.lastProbe?.ok, true);
    const list = await hub.get<CellSummary[]>('/api/cells');
    assert.equal(list.find((c) => c.id === a.id)?.online, true);
  });

  test('an agent killed outright goes offline at once (Last Will)', async () => {
    const a = await enrollAgent(hub, {
      cell: 'press-02',
      endpoints: [{ name: 'kepware', url: cell.endpointUrl }],
      trustServers: [cell.serverCertificate()],
    });
    const p = spawnAgent(a.configPath);
    agents.push(p);
    await waitFor('press-02 online', async () => ((await cellState(a.id)).online ? true : undefined));
    const killedAt = Date.now();
    await p.kill('SIGKILL');
    const c = await waitFor('press-02 offline', async () => {
      const s = await cellState(a.id);
      return s.online ? undefined : s;
    });
    assert.ok(Date.now() - killedAt < 3000, 'offline within 3 s of the kill');
    assert.ok(c.since !== null && c.since >= killedAt - 50, 'since is the time it went offline');
  });

  test('a frozen agent goes offline within 1.5 × keepalive', async () => {
    const keepaliveSec = 2;
    const a = await enrollAgent(hub, {
      cell: 'press-03',
      keepaliveSec,
      endpoints: [{ name: 'kepware', url: cell.endpointUrl }],
      trustServers: [cell.serverCertificate()],
    });
    const p = spawnAgent(a.configPath);
    agents.push(p);
    await waitFor('press-03 online', async () => ((await cellState(a.id)).online ? true : undefined));
    p.child.kill('SIGSTOP'); // the socket stays open; only the keepalive can tell
    const frozenAt = Date.now();
    await waitFor(
      'press-03 offline',
      async () => ((await cellState(a.id)).online ? undefined : true),
      10_000,
    );
    const elapsed = Date.now() - frozenAt;
    p.child.kill('SIGCONT');
    // MQTT 3.1.1 §3.1.2.10: the broker disconnects after 1.5 × keepalive; allow 1 s of ingest/polling slack.
    assert.ok(elapsed <= 1.5 * keepaliveSec * 1000 + 1000, `offline after ${elapsed} ms`);
    // Once thawed the agent notices, reconnects with a new session and is online again.
    await waitFor(
      'press-03 back online',
      async () => ((await cellState(a.id)).online ? true : undefined),
      15_000,
    );
  });

  test('hub down while the agent keeps producing, then back: every message stored exactly once', async () => {
    const a = await enrollAgent(hub, {
      cell: 'press-04',
      probeIntervalMs: 1000,
      endpoints: [{ name: 'kepware', url: cell.endpointUrl }],
      trustServers: [cell.serverCertificate()],
    });
    agents.push(spawnAgent(a.configPath));
    await waitFor(
      'press-04 first probe',
      async () => ((await cellState(a.id)).lastProbe ? true : undefined),
      FIRST_PROBE_MS,
    );
    const before = (await hub.hub.services.cells.messageLog(a.id)).length;
    await hub.stop();
    await new Promise((r) => setTimeout(r, 4000)); // ~4 probes pile up in the outbox
    await hub.restart();
    // Wait until the outage's probes are in and a fresh one has followed them.
    const stored = await waitFor(
      'the outage backlog delivered',
      async () => {
        const n = await assertExactlyOnce(a.id).catch(() => 0);
        return n >= before + 5 ? n : undefined;
      },
      45_000,
    );
    assert.ok(stored >= before + 5);
    const probes = (await hub.hub.services.cells.messageLog(a.id)).filter((m) => m.kind === 'probe').length;
    assert.ok(probes >= 4, `probes from during the outage were delivered (${probes})`);
  });

  test('agent killed with a non-empty outbox, then restarted: nothing lost', async () => {
    const a = await enrollAgent(hub, {
      cell: 'press-05',
      probeIntervalMs: 1000,
      endpoints: [{ name: 'kepware', url: cell.endpointUrl }],
      trustServers: [cell.serverCertificate()],
    });
    const first = spawnAgent(a.configPath);
    agents.push(first);
    await waitFor(
      'press-05 online',
      async () => ((await cellState(a.id)).lastProbe ? true : undefined),
      FIRST_PROBE_MS,
    );
    await hub.stop(); // no acks: the outbox fills
    await new Promise((r) => setTimeout(r, 3000));
    await first.kill('SIGKILL');
    await hub.restart();
    const second = spawnAgent(a.configPath);
    agents.push(second);
    const stored = await waitFor(
      'press-05 backlog delivered after restart',
      async () => {
        const n = await assertExactlyOnce(a.id).catch(() => 0);
        const c = await cellState(a.id);
        return c.online && n >= 6 ? n : undefined;
      },
      45_000,
    );
    assert.ok(stored >= 6, `stored ${stored}`);
  });
});
