// cellfleet-fleetsim: enroll N simulated cells at a hub and run them until Ctrl-C, printing a
// line of counters every 5 s. The only file of the simulator that reads argv or env.
//   node apps/fleetsim/src/main.ts --hub-mqtt mqtt://127.0.0.1:1883 --db cellfleet-hub.db --agents 1000 --rate 60
import { parseArgs } from 'node:util';
import { withCellStore } from '@cellfleet/hub';
import { enrollFleet } from './enroll.ts';
import { createFleet, DEFAULT_DRIFT_RATE } from './fleet.ts';
import { DEFAULT_SNAPSHOT_ENTRIES, MIN_SNAPSHOT_ENTRIES } from './sim-config.ts';

const HELP = `cellfleet-fleetsim — simulated agents (no OPC UA) for load tests and demos

Usage:
  cellfleet-fleetsim --hub-mqtt URL (--db FILE | --pg-url URL) [--agents N] [--rate X] [--ramp-s S]
                     [--drift-rate P] [--snapshot-entries N]

Options:
  --hub-mqtt URL   the broker the hub listens on (embedded or external)
  --db FILE        the hub's SQLite database: the cells are enrolled there (the hub may be running)
  --pg-url URL     or the hub's PostgreSQL cell store
  --agents N       how many agents (default 100)
  --rate X         acceleration over a real plant's probe/minute and snapshot/5 minutes (default 1)
  --ramp-s S       spread the first connections over S seconds (default N/1000)
  --drift-rate P   probability (0..1) per snapshot cycle that a cell's configuration changes one
                   value, so the hub sees deltas and drift events (default ${DEFAULT_DRIFT_RATE})
  --snapshot-entries N
                   entries in each cell's synthetic Kepware snapshot (default ${DEFAULT_SNAPSHOT_ENTRIES}, at least ${MIN_SNAPSHOT_ENTRIES})

With an external broker, run "cellfleet-hub broker-config" and reload it after enrolling.
`;

async function main(): Promise<number> {
  const { values: v } = parseArgs({
    options: {
      'hub-mqtt': { type: 'string' },
      db: { type: 'string' },
      'pg-url': { type: 'string' },
      agents: { type: 'string' },
      rate: { type: 'string' },
      'ramp-s': { type: 'string' },
      'drift-rate': { type: 'string' },
      'snapshot-entries': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (v.help || !v['hub-mqtt'] || !(v.db || v['pg-url'])) {
    process.stdout.write(HELP);
    return v.help ? 0 : 2;
  }
  const n = Number(v.agents ?? 100);
  const rate = Number(v.rate ?? 1);
  if (!(Number.isInteger(n) && n > 0 && rate > 0)) {
    process.stderr.write('fleetsim: --agents must be a positive integer and --rate positive\n');
    return 2;
  }
  const driftRate = Number(v['drift-rate'] ?? DEFAULT_DRIFT_RATE);
  if (!(driftRate >= 0 && driftRate <= 1)) {
    process.stderr.write('fleetsim: --drift-rate must be a probability from 0 to 1\n');
    return 2;
  }
  const entries = Number(v['snapshot-entries'] ?? DEFAULT_SNAPSHOT_ENTRIES);
  if (!(Number.isInteger(entries) && entries >= MIN_SNAPSHOT_ENTRIES)) {
    process.stderr.write(
      `fleetsim: --snapshot-entries must be an integer of at least ${MIN_SNAPSHOT_ENTRIES}\n`,
    );
    return 2;
  }
  const hubUrl = v['hub-mqtt'];
  const agents = await withCellStore(v['pg-url'] ? { pgUrl: v['pg-url'] } : { dbPath: v.db! }, (cells) =>
    enrollFleet(cells, { agents: n, hubUrl }),
  );
  const fleet = createFleet({
    url: v['hub-mqtt'],
    agents,
    probeIntervalMs: 60_000 / rate,
    snapshotIntervalMs: 300_000 / rate,
    snapshotEntries: entries,
    driftRate,
    rampMs: Number(v['ramp-s'] ?? n / 1000) * 1000,
  });
  fleet.start();
  const report = setInterval(() => {
    const c = fleet.counters;
    const p = (q: number) => fleet.ackLatency.quantile(q).toFixed(0);
    process.stdout.write(
      `connected ${fleet.connected()}/${n}  published ${c.published}  acked ${c.acked}  outbox ${fleet.outbox()}  ack p50 ${p(0.5)} ms p99 ${p(0.99)} ms  actions ${c.actionsAnswered}` +
        `  snapshots full ${c.snapshotsFull} delta ${c.snapshotsDelta} hash ${c.snapshotsHash} resends ${c.resendsAnswered}\n`,
    );
  }, 5000);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(report);
  await fleet.stop();
  return 0;
}

process.exitCode = await main();
