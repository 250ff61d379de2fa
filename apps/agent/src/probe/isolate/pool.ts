// Probes run in probe hosts (child processes), so no server answer can crash, hang or bloat the
// agent (issue 12). A host serves one probe at a time and is reused; a host that faulted is
// gone and the probe gets a diagnosis from its last evidence (fault-result.ts). At most
// `maxHosts` run at once (more probes wait); an idle host exits after `idleMs`.
import type { ClientConfig, EndpointConfig } from '@cellfleet/protocol';
import type { ProbeResult } from '../ladder.ts';
import { faultResult } from './fault-result.ts';
import { type HostProcess, spawnHost } from './host-process.ts';
import type { PkiRef } from './messages.ts';
import { hangGuardMs } from './watchdog.ts';

export interface ProbePoolOptions {
  readonly maxHosts?: number;
  /** An idle host exits after this long (default 60 s); the next probe starts a new one. */
  readonly idleMs?: number;
  /** Resident memory a host may use (default 512 MiB); node-opcua alone takes ~200 MiB. */
  readonly memoryBudgetMb?: number;
  /**
   * Time beyond the probe's own timeout after which a host that has also gone silent counts as
   * stalled (default 3 s); see watchdog.ts for the heartbeat and the hang guard.
   */
  readonly graceMs?: number;
  /** Lines the hosts print (node-opcua's own logging); never the agent's stdout. */
  readonly onLog?: (line: string) => void;
}

export interface IsolatedProbe {
  readonly pki: PkiRef;
  readonly timeoutMs: number;
  /** `--vendor`: a vendor or product id; overrides detection. */
  readonly vendorHint?: string;
  readonly clockSkewThresholdMs?: number;
  /** Probe as this cell client of the endpoint (issue 17). */
  readonly client?: ClientConfig;
}

export interface ProbePool {
  probe(endpoint: EndpointConfig, o: IsolatedProbe): Promise<ProbeResult>;
  /** Starts a host now, so the first probe does not wait for node-opcua's import. */
  warm(): void;
  /** Hosts started so far, hosts lost to a fault, and the highest host RSS, for tests and benchmarks. */
  stats(): { started: number; faults: number; running: number; peakRssMb: number };
  /** How long a probe with this timeout may take at most before its host is stopped, ms. */
  hangGuardMs(timeoutMs: number): number;
  close(): Promise<void>;
}

interface Slot {
  readonly host: HostProcess;
  idle?: NodeJS.Timeout;
}

export function createProbePool(o: ProbePoolOptions = {}): ProbePool {
  const max = o.maxHosts ?? 2;
  const budget = o.memoryBudgetMb ?? 512;
  const grace = o.graceMs ?? 3000;
  const idle: Slot[] = [];
  const waiting: Array<() => void> = [];
  let busy = 0;
  let started = 0;
  let faults = 0;
  let peakRssMb = 0;
  let nextId = 1;
  let closed = false;

  const spawn = (): Slot => {
    started++;
    return { host: spawnHost({ memoryBudgetMb: budget, ...(o.onLog ? { onLog: o.onLog } : {}) }) };
  };
  const acquire = async (): Promise<Slot> => {
    while (busy >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    busy++;
    let slot = idle.pop();
    while (slot && !slot.host.alive) slot = idle.pop();
    if (slot?.idle) clearTimeout(slot.idle);
    return slot ?? spawn();
  };
  const park = (slot: Slot) => {
    slot.idle = setTimeout(() => {
      idle.splice(idle.indexOf(slot), 1);
      slot.host.kill();
    }, o.idleMs ?? 60_000);
    slot.idle.unref();
    idle.push(slot);
  };
  const release = (slot: Slot) => {
    busy--;
    peakRssMb = Math.max(peakRssMb, slot.host.peakRssMb);
    if (slot.host.alive && !closed) park(slot);
    else slot.host.kill();
    waiting.shift()?.();
  };

  return {
    async probe(endpoint, req) {
      if (closed) throw new Error('the probe pool is closed');
      const slot = await acquire();
      try {
        await slot.host.ready;
        const startedAt = Date.now();
        const out = await slot.host.run({ type: 'probe', id: nextId++, endpoint, ...req }, grace);
        if (out.kind === 'result') return out.result;
        if (out.kind === 'error') throw new Error(out.message);
        faults++;
        return faultResult({
          endpoint,
          fault: out,
          startedAt,
          now: Date.now(),
          ...pick(req),
          ...(req.client ? { client: req.client } : {}),
        });
      } catch (err) {
        slot.host.kill();
        throw err;
      } finally {
        release(slot);
      }
    },
    warm() {
      if (!closed && idle.length === 0 && busy < max) park(spawn());
    },
    stats: () => ({ started, faults, running: idle.filter((s) => s.host.alive).length + busy, peakRssMb }),
    hangGuardMs: (timeoutMs) => hangGuardMs(timeoutMs, grace),
    async close() {
      closed = true;
      for (const slot of idle.splice(0)) {
        if (slot.idle) clearTimeout(slot.idle);
        slot.host.kill();
      }
    },
  };
}

function pick(req: IsolatedProbe): { vendorHint?: string; clockSkewThresholdMs?: number } {
  return {
    ...(req.vendorHint ? { vendorHint: req.vendorHint } : {}),
    ...(req.clockSkewThresholdMs ? { clockSkewThresholdMs: req.clockSkewThresholdMs } : {}),
  };
}
