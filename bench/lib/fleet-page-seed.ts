// A simulated plant for the fleet page bench (issue 16): N enrolled cells whose agents have
// each sent a birth and a probe through the hub's real ingest path (topic + payload → checked
// envelope → batched store write → router → live event), as if the broker had delivered them;
// a few cells then send a death. The mix is a plant on an ordinary day: ~93 % online and
// healthy, ~4 % faulted across several diagnosis codes, ~1 % with a warning, ~2 % offline.
import { randomUUID } from 'node:crypto';
import type { Hub } from '@cellfleet/hub';
import { type CellRef, createEnvelope, encodeMessage, type MessageKind, topicOf } from '@cellfleet/protocol';

export type SeedState = 'ok' | 'warning' | 'fault' | 'offline';

export interface SeedCell {
  readonly id: string;
  readonly ref: CellRef;
  readonly group: string;
  readonly state: SeedState;
  readonly vendor: (typeof VENDORS)[number];
}

const FAULT_CODES = [
  'port-closed',
  'server-cert-untrusted',
  'too-many-sessions',
  'device-not-communicating',
  'host-unreachable',
  'bad-credentials',
] as const;
const VENDORS = [
  { id: 'kepware', product: 'KEPServerEX', version: '6.15.154.0' },
  { id: 'siemens', product: 'SIMATIC S7-1500', version: 'V3.1' },
  { id: 'rockwell', product: 'FactoryTalk Linx Gateway', version: '6.40' },
  { id: 'ignition', product: 'Ignition', version: '8.1.44' },
] as const;

/** Sites of 40 lines, as many sites as the size needs (3 at 1,000 cells, 10 at 10,000). */
export function plantOf(n: number): SeedCell[] {
  const sites = Math.max(3, Math.ceil(n / 1000));
  return Array.from({ length: n }, (_, i) => {
    const ref = {
      site: `plant${(i % sites) + 1}`,
      line: `line-${Math.floor(i / sites) % 40}`,
      cell: `cell-${String(i).padStart(5, '0')}`,
    };
    const state: SeedState =
      i % 53 === 7 ? 'offline' : i % 23 === 5 ? 'fault' : i % 97 === 11 ? 'warning' : 'ok';
    return {
      id: `${ref.site}.${ref.line}.${ref.cell}`,
      ref,
      group: `group-${i % Math.max(12, Math.round(n / 80))}`,
      state,
      vendor: VENDORS[i % VENDORS.length] ?? VENDORS[0],
    };
  });
}

const message = <K extends MessageKind>(
  c: SeedCell,
  kind: K,
  body: Parameters<typeof createEnvelope<K>>[0]['body'],
  seq: number,
) => ({
  topic: topicOf(c.ref, kind),
  payload: encodeMessage(
    createEnvelope({ kind, id: randomUUID(), cell: c.id, ts: Date.now(), seq, session: 1, body }),
  ),
});

const birth = (c: SeedCell) =>
  message(
    c,
    'birth',
    {
      state: 'online',
      identity: { ...c.ref, sisterGroup: c.group },
      agentVersion: c.id.length % 5 === 0 ? '0.1.1' : '0.1.0',
      probeIntervalMs: 60_000,
      endpoints: [{ name: 'plc', url: `opc.tcp://10.${c.ref.cell.length}.0.1:4840` }],
    },
    1,
  );

/** A probe as an agent sends it: the ladder's steps, a diagnosis, the platform it detected. */
export function probeOf(c: SeedCell, state: 'ok' | 'warning' | 'fault', seq: number, codeIndex = 0) {
  const at = Date.now();
  const code = FAULT_CODES[(codeIndex + Number(c.ref.cell.slice(5))) % FAULT_CODES.length] ?? 'port-closed';
  const ok = state !== 'fault';
  const steps = [
    { name: 'dns', ok: true, ms: 1 },
    { name: 'tcp', ok, ms: 3 },
    { name: 'hello', ok, ms: 4 },
    { name: 'endpoints', ok, ms: 9 },
    { name: 'session', ok, ms: 21 },
    { name: 'read-server-status', ok, ms: 6 },
  ];
  return message(
    c,
    'probe',
    {
      endpoint: 'plc',
      url: 'opc.tcp://10.0.0.1:4840',
      ok,
      startedAt: at,
      durationMs: 44,
      steps,
      diagnosis: ok
        ? { code: 'ok', severity: 'ok', summary: 'The server answers and a session opens.' }
        : {
            code,
            severity: 'error',
            summary: `The probe failed: ${code}.`,
            evidence: [`step ${steps[1]?.name} failed after ${steps[1]?.ms} ms`],
            remediation: [
              { vendor: c.vendor.id, product: 'any', steps: ['Check the server and the network path.'] },
            ],
          },
      findings:
        state === 'warning'
          ? [
              {
                code: 'cert-expiring-soon',
                severity: 'warning',
                summary: 'The server certificate expires in 12 days.',
              },
            ]
          : [],
      server: {
        buildInfo: {
          productName: c.vendor.product,
          manufacturerName: c.vendor.id,
          softwareVersion: c.vendor.version,
          buildNumber: '1',
        },
        state: 'Running',
      },
      vendorDetection: {
        vendor: c.vendor.id,
        productName: c.vendor.product,
        confidence: 'high',
        why: 'the server names itself',
        evidence: [],
        conflicts: [],
      },
    },
    seq,
  );
}

const death = (c: SeedCell) => message(c, 'death', { state: 'offline', reason: 'will' }, 3);

/** Enrolls the plant and ingests each cell's birth, probe and (offline cells) death. */
export async function seedPlant(hub: Hub, cells: readonly SeedCell[]): Promise<void> {
  for (const c of cells)
    await hub.services.cells.enroll({
      id: c.id,
      ...c.ref,
      sisterGroup: c.group,
      secretHash: 'a'.repeat(64),
      enrolledAt: Date.now(),
    });
  const waves = [
    cells.map(birth),
    cells.map((c) => probeOf(c, c.state === 'offline' ? 'ok' : c.state, 2)),
    cells.filter((c) => c.state === 'offline').map(death),
  ];
  for (const wave of waves) {
    for (const m of wave) hub.ingest.accept(m.topic, m.payload);
    await hub.ingest.flush();
  }
}
