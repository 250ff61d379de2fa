// Chaos on the link, the long variant (issue 12): a 60 s partition and more agents than the
// bounded run in `npm test` (tests/src/chaos.test.ts). Writes its section of BENCHMARKS.md.
//   node bench/chaos.ts                               20 agents, 60 s partition, keepalive 5 s
//   node bench/chaos.ts --agents 3 --partition-ms 8000 --keepalive 2    the small form
import { parseArgs } from 'node:util';
import { runChaos } from './lib/chaos-run.ts';
import { fmt, machine, writeSection } from './lib/report.ts';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '20' },
    'partition-ms': { type: 'string', default: '60000' },
    keepalive: { type: 'string', default: '5' },
    'probe-ms': { type: 'string', default: '500' },
  },
});
const positive = (name: string, v: string | undefined) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, not "${v}"`);
  return n;
};
const o = {
  agents: positive('agents', values.agents),
  partitionMs: positive('partition-ms', values['partition-ms']),
  keepaliveSec: positive('keepalive', values.keepalive),
  probeIntervalMs: positive('probe-ms', values['probe-ms']),
};

const t0 = performance.now();
const r = await runChaos({ ...o, log: (line) => console.log(line) });
const ms = (v: number | null) => (v === null ? '— (never offline)' : `${fmt(v)} ms`);
const rows = r.faults.map(
  (f) =>
    `| ${f.fault} | ${f.sawOffline}/${r.agents} | ${ms(f.offlineDetectedMs)} | ${fmt(f.backMs)} ms | ${fmt(f.connects)} |`,
);
writeSection(
  'Chaos on the link: faults, lost and doubled messages, liveness',
  `From \`node bench/chaos.ts\` (run by \`npm run bench\`; \`--agents N --partition-ms N --keepalive S --probe-ms N\`), ${machine()}. Bounded variant in \`npm test\`: tests/src/chaos.test.ts (3 agents, keepalive 2 s, partition \`CELLFLEET_CHAOS_PARTITION_MS\`, 8 s by default).

${fmt(r.agents)} agents (fleetsim's real agent core: outbox, sessions, Last Will, jittered redials), each probing every ${fmt(o.probeIntervalMs)} ms, reach a real hub (embedded aedes + SQLite) through the fault-injecting TCP proxy of @cellfleet/testkit (packages/testkit/src/chaos-proxy.ts). MQTT keepalive ${o.keepaliveSec} s, so the broker drops a silent connection after ${fmt(r.keepaliveBoundMs)} ms (1.5 × keepalive, MQTT 3.1.1 §3.1.2.10). "Offline seen" counts cells the hub showed offline; "detected" is from the fault's start until the last of them; "back" is until every cell was online at the hub and every agent connected, from the end of the fault (latency, bandwidth; a partition: when it heals) or its start (cut, half-open: they have no end). "Connects" counts the agents' new connections until then: more than one per agent means a redial failed or was taken over (after a partition, held connects are released newest first, so an agent's stale CONNECT can arrive after its fresh one).

| fault | offline seen | offline detected | back | connects |
|---|---:|---:|---:|---:|
${rows.join('\n')}

Messages created by the agents: **${fmt(r.messages)}**; stored by the hub: ${fmt(r.stored)}; **lost ${fmt(r.lost)}, doubled ${fmt(r.doubled)}** (every sequence number 1…last of every agent looked up in the hub's store after the outboxes drained). Proxy: ${fmt(r.proxy.accepted)} connections accepted, ${fmt(r.proxy.cut)} cut mid-packet, ${fmt(r.proxy.halfOpened)} left half-open, ${fmt(r.proxy.held)} connects held by the partition. Wall time ${fmt((performance.now() - t0) / 1000)} s.`,
);
console.log(`lost ${r.lost}, doubled ${r.doubled}; BENCHMARKS.md updated`);
if (r.lost > 0 || r.doubled > 0) process.exitCode = 1;
