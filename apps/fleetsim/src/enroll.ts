// Enrolls simulated cells through the hub's own enrollment code, into whichever CellStore the
// hub uses (SQLite file or PostgreSQL), and returns their credentials. Cells are named
// sim/line-NNN/cell-NNNNN, 100 per line, all in one sister group.
import { type CellStore, enrollCell } from '@cellfleet/hub';
import type { SimCredentials } from './sim-agent.ts';

export interface FleetSpec {
  readonly agents: number;
  readonly site?: string;
  readonly sisterGroup?: string;
  /** The URL written into agent configs (unused by the sim itself). */
  readonly hubUrl?: string;
}

export function simCell(i: number, site = 'sim') {
  return {
    site,
    line: `line-${String(Math.floor(i / 100)).padStart(3, '0')}`,
    cell: `cell-${String(i).padStart(5, '0')}`,
  };
}

export async function enrollFleet(store: CellStore, spec: FleetSpec): Promise<SimCredentials[]> {
  const sisterGroup = spec.sisterGroup ?? 'sim-presses';
  const out: SimCredentials[] = [];
  for (let i = 0; i < spec.agents; i++) {
    const ref = simCell(i, spec.site);
    const r = await enrollCell(
      store,
      { ...ref, sisterGroup, endpoints: [] },
      { url: spec.hubUrl ?? 'mqtt://127.0.0.1:1883', now: Date.now() },
    );
    out.push({ ref, sisterGroup, password: r.secret });
  }
  return out;
}
