// Agent messages for a test hub's ingest, without agent processes: the real ingest path
// (topic + payload → pipeline → store → router), for suites about what the hub does with them.
import { randomUUID } from 'node:crypto';
import type { Hub } from '@cellfleet/hub';
import { type CellRef, createEnvelope, encodeMessage, type MessageKind, topicOf } from '@cellfleet/protocol';

export const refOf = (id: string): CellRef => {
  const [site = '', line = '', cell = ''] = id.split('.');
  return { site, line, cell };
};

export async function enrollQuiet(hub: Hub, id: string, sisterGroup: string): Promise<void> {
  const r = refOf(id);
  await hub.services.cells.enroll({ id, ...r, sisterGroup, secretHash: 'a'.repeat(64), enrolledAt: 1 });
}

/** Hands one message to the hub's ingest as if its agent had published it, and waits until stored. */
export async function deliver<K extends MessageKind>(
  hub: Hub,
  id: string,
  kind: K,
  body: Parameters<typeof createEnvelope<K>>[0]['body'],
  seq = 1,
): Promise<void> {
  const m = createEnvelope({ kind, id: randomUUID(), cell: id, ts: Date.now(), seq, session: 1, body });
  hub.ingest.accept(topicOf(refOf(id), kind), encodeMessage(m));
  await hub.ingest.flush();
}

export const birth = (id: string, sisterGroup: string) => {
  const r = refOf(id);
  return {
    state: 'online' as const,
    identity: { ...r, sisterGroup },
    agentVersion: '0.1.0',
    probeIntervalMs: 5000,
    endpoints: [{ name: 'plc', url: 'opc.tcp://127.0.0.1:4840' }],
  };
};

export const probe = (ok: boolean, at: number, code = ok ? 'ok' : 'port-closed') => ({
  endpoint: 'plc',
  url: 'opc.tcp://127.0.0.1:4840',
  ok,
  startedAt: at,
  durationMs: 42,
  steps: [
    { name: 'dns', ok: true, ms: 1 },
    { name: 'tcp', ok, ms: 40 },
  ],
  diagnosis: {
    code,
    severity: ok ? ('ok' as const) : ('error' as const),
    summary: ok ? 'the server answers' : 'nothing listens on the port',
    ...(ok
      ? {}
      : {
          remediation: [{ vendor: 'generic', product: 'any', steps: ['Start the OPC UA server on the PLC'] }],
        }),
  },
  findings: [],
});
