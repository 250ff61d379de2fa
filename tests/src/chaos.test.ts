// Chaos on the link (issue 12), bounded for `npm test`: three agents (fleetsim's real agent
// core) reach a real hub through the fault-injecting proxy; latency, a bandwidth cap, a cut in
// the middle of a packet, half-open connections and a partition with reordered reconnects, one
// after the other. The partition lasts CELLFLEET_CHAOS_PARTITION_MS (8 s by default; the 60 s
// one is bench/chaos.ts). Proven with sequence numbers: nothing lost, nothing doubled; and the
// hub's online/offline view converges within the keepalive bound after each fault.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runChaos } from '../../bench/lib/chaos-run.ts';

const partitionMs = Number(process.env['CELLFLEET_CHAOS_PARTITION_MS'] ?? 8000);
const keepaliveSec = 2;

test('faults on the link lose nothing, double nothing, and liveness converges', async () => {
  assert.ok(partitionMs >= 4000, 'CELLFLEET_CHAOS_PARTITION_MS must outlast the keepalive bound (3 s)');
  const report = await runChaos({
    agents: 3,
    partitionMs,
    keepaliveSec,
    probeIntervalMs: 250,
    log: (line) => process.stderr.write(`chaos: ${line}\n`),
  });
  const bound = report.keepaliveBoundMs;
  // Generous slack for a loaded machine: the hub polls liveness every 50 ms, agents redial
  // after a jittered backoff (first retry within 200 ms), and the ingest batches for 20 ms.
  const slack = 4000;
  const byName = (prefix: string) => {
    const f = report.faults.find((x) => x.fault.startsWith(prefix));
    assert.ok(f, `fault ${prefix} ran`);
    return f;
  };
  for (const f of report.faults)
    assert.ok(f.backMs <= bound + slack, `${f.fault}: back after ${f.backMs} ms`);
  const partition = byName('partition');
  assert.equal(
    partition.sawOffline,
    3,
    'a partition longer than the keepalive bound shows every cell offline',
  );
  assert.ok(
    partition.offlineDetectedMs !== null && partition.offlineDetectedMs <= bound + slack,
    `offline detected after ${partition.offlineDetectedMs} ms (bound ${bound} ms)`,
  );
  assert.equal(byName('latency').sawOffline, 0, 'latency alone takes no cell offline');
  assert.ok(report.messages > 100, `${report.messages} messages`);
  assert.equal(report.lost, 0, 'no sequence number missing at the hub');
  assert.equal(report.doubled, 0, 'no sequence number stored twice');
  assert.equal(report.proxy.cut, 3);
  assert.equal(report.proxy.halfOpened, 3);
});
