// Chaos on the link (issue 12): agents (fleetsim's real agent core: sessions, Last Will, redials,
// the outbox that resends until the hub acknowledges) dial a real hub (embedded aedes + SQLite)
// through the fault-injecting proxy of @cellfleet/testkit. Faults one after the other; after
// each, how long the hub took to see the cells offline and to see them back. At the end, every
// sequence number each agent created is looked up in the hub's store: none lost, none doubled.
// Run by tests/src/chaos.test.ts (short partition) and bench/chaos.ts (60 s partition).
import { join } from 'node:path';
import { createFleet, enrollFleet } from '@cellfleet/fleetsim';
import { type Hub, startHub } from '@cellfleet/hub';
import { type ChaosProxy, startChaosProxy, tempDir } from '@cellfleet/testkit';
import pino from 'pino';

export interface ChaosOptions {
  readonly agents: number;
  readonly partitionMs: number;
  readonly keepaliveSec: number;
  readonly probeIntervalMs: number;
  readonly log?: (line: string) => void;
}

export interface FaultReport {
  readonly fault: string;
  /** Cells the hub showed offline at some point during or after the fault. */
  readonly sawOffline: number;
  /** From the fault's start until the hub showed the last of them offline; null if none was. */
  readonly offlineDetectedMs: number | null;
  /** From the fault's end until every cell was online at the hub and every agent connected. */
  readonly backMs: number;
  /** Connections the agents made from the fault's start until back (0 when none dropped). */
  readonly connects: number;
}

export interface ChaosReport {
  readonly agents: number;
  /** MQTT keepalive × 1.5: when the broker must drop a silent connection (MQTT 3.1.1 §3.1.2.10). */
  readonly keepaliveBoundMs: number;
  readonly faults: readonly FaultReport[];
  /** Messages the agents created (sum of their last sequence numbers). */
  readonly messages: number;
  readonly stored: number;
  readonly lost: number;
  readonly doubled: number;
  readonly proxy: ReturnType<ChaosProxy['stats']>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const log = o.log ?? (() => {});
  const dir = tempDir('chaos');
  const hub: Hub = await startHub(
    {
      database: { sqlite: join(dir, 'hub.db') },
      broker: { mode: 'embedded', host: '127.0.0.1', port: 0 },
      http: { host: '127.0.0.1', port: 0 },
    },
    { logger: pino({ level: 'silent' }) },
  );
  const proxy = await startChaosProxy({
    target: { host: '127.0.0.1', port: Number(new URL(hub.mqttUrl).port) },
  });
  const credentials = await enrollFleet(hub.services.cells, { agents: o.agents, site: 'chaos' });
  const fleet = createFleet({
    url: `mqtt://${proxy.host}:${proxy.port}`,
    agents: credentials,
    probeIntervalMs: o.probeIntervalMs,
    snapshotIntervalMs: 24 * 3600_000,
    keepaliveSec: o.keepaliveSec,
    resendAfterMs: 2000,
  });
  const bound = Math.ceil(o.keepaliveSec * 1500);
  const faults: FaultReport[] = [];

  // The hub's view of liveness, sampled; each fault reads the samples taken since it started.
  let offlineSince = new Map<string, number>();
  let allOnline = false;
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      const cells = await hub.services.cells.listCells();
      const t = Date.now();
      for (const c of cells) if (!c.online && !offlineSince.has(c.id)) offlineSince.set(c.id, t);
      allOnline = cells.length === o.agents && cells.every((c) => c.online);
      await sleep(50);
    }
  })();
  const converged = () => allOnline && fleet.connected() === o.agents;
  const waitConverged = async (what: string, limitMs: number) => {
    const started = Date.now();
    while (!converged()) {
      if (Date.now() - started > limitMs)
        throw new Error(`chaos: ${what}: not converged after ${limitMs} ms`);
      await sleep(25);
    }
    // Two samples in a row: the watcher's flag is fresh, not left over from before the fault.
    await sleep(120);
    if (!converged()) return waitConverged(what, limitMs);
    return Date.now() - started;
  };

  /**
   * Runs one fault and measures. `reconnect`: the fault breaks every connection, so it is over
   * only once each agent has connected again. `backFrom`: when "back" is counted from: the end
   * of `inject`, its start (a cut or a half-open link has no end), or a time after the start
   * (a partition heals then; `inject` returns after the reordered releases).
   */
  async function fault(
    name: string,
    inject: () => Promise<void> | void,
    m: { reconnect: boolean; backFrom: 'start' | 'end' | { afterMs: number } },
  ): Promise<void> {
    await waitConverged(`before ${name}`, 60_000);
    offlineSince = new Map();
    const connects = fleet.counters.connects;
    const started = Date.now();
    await inject();
    const ended =
      m.backFrom === 'start' ? started : m.backFrom === 'end' ? Date.now() : started + m.backFrom.afterMs;
    const limit = bound * 4 + 40_000;
    if (m.reconnect)
      await fleet.until(
        `${name}: every agent back`,
        () => fleet.counters.connects >= connects + o.agents,
        limit,
      );
    await waitConverged(name, limit);
    const firsts = [...offlineSince.values()];
    const report: FaultReport = {
      fault: name,
      sawOffline: firsts.length,
      offlineDetectedMs: firsts.length ? Math.max(...firsts) - started : null,
      backMs: Date.now() - ended,
      connects: fleet.counters.connects - connects,
    };
    faults.push(report);
    log(`${name}: ${JSON.stringify(report)}`);
  }

  try {
    fleet.start();
    await waitConverged('first connect', 30_000);
    await sleep(1000);
    const latency = async () => {
      proxy.latency(300);
      await sleep(3000);
      proxy.latency(0);
    };
    const bandwidth = async () => {
      proxy.bandwidth(2000);
      await sleep(3000);
      proxy.bandwidth(null);
    };
    const stays = { reconnect: false, backFrom: 'end' } as const;
    const breaks = { reconnect: true, backFrom: 'start' } as const;
    await fault('latency 300 ms for 3 s', latency, stays);
    await fault('bandwidth 2 kB/s for 3 s', bandwidth, stays);
    await fault('cut mid-packet', () => void proxy.cutMidPacket(), breaks);
    await fault('half-open (no FIN, no RST)', () => void proxy.halfOpen(), breaks);
    const partition = () => proxy.partition(o.partitionMs, { reorder: true, gapMs: 100 });
    // Longer than the keepalive bound, both ends drop the connection and the agents dial again.
    const heals = { reconnect: o.partitionMs > bound + 1000, backFrom: { afterMs: o.partitionMs } };
    await fault(`partition ${o.partitionMs / 1000} s, reconnects reordered`, partition, heals);

    fleet.quiesce();
    await fleet.until('every message acknowledged', () => fleet.outbox() === 0, 60_000);
    await hub.ingest.flush();
    const rows = await hub.services.sql.all<{ cell_id: string; seq: number; n: number }>(
      'SELECT cell_id, seq, COUNT(*) AS n FROM messages WHERE seq > 0 GROUP BY cell_id, seq',
    );
    const seen = new Map<string, Map<number, number>>();
    for (const r of rows) {
      const m = seen.get(r.cell_id) ?? new Map<number, number>();
      m.set(Number(r.seq), Number(r.n));
      seen.set(r.cell_id, m);
    }
    let messages = 0;
    let lost = 0;
    let doubled = 0;
    let stored = 0;
    for (const a of fleet.agents) {
      const m = seen.get(a.id) ?? new Map<number, number>();
      messages += a.sent;
      for (let seq = 1; seq <= a.sent; seq++) if (!m.has(seq)) lost++;
      for (const n of m.values()) {
        stored += n;
        if (n > 1) doubled += n - 1;
      }
    }
    return {
      agents: o.agents,
      keepaliveBoundMs: bound,
      faults,
      messages,
      stored,
      lost,
      doubled,
      proxy: proxy.stats(),
    };
  } finally {
    watching = false;
    await watcher;
    await fleet.stop();
    await proxy.close();
    await hub.stop();
  }
}
