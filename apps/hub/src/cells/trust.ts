// What a trust decision needs (issue 14, item 4): per endpoint of a cell, the server
// certificate its agent saw (the one it rejected, when the diagnosis is server-cert-untrusted),
// the certificates its sister cells' agents saw at the endpoint of the same name (sisters are
// configured alike, so a different thumbprint there is worth a second look before trusting),
// and the exact trust commands for this cell. The decision itself is the signed
// trust-server-certificate action, proposed and approved as any other.
import { trustCommands } from '@cellfleet/core';
import type { ProbeBody, TrustView } from '@cellfleet/protocol';
import type { InvocationStore } from './invocations.ts';
import type { CellStore } from './store.ts';

export interface TrustDeps {
  readonly cells: CellStore;
  readonly invocations: InvocationStore;
}

export async function trustView(d: TrustDeps, id: string): Promise<TrustView | undefined> {
  const cell = await d.cells.getCell(id, 1);
  if (!cell) return undefined;
  const sisters = (await d.cells.listCells()).filter(
    (c) => c.sisterGroup === cell.sisterGroup && c.id !== id,
  );
  const latest = await d.cells.latestProbes([id, ...sisters.map((s) => s.id)]);
  const probeOf = (cellId: string, endpoint: string): ProbeBody | undefined =>
    latest.find((p) => p.cell === cellId && p.body.endpoint === endpoint)?.body;
  const invocation = await d.invocations.get(id);
  const endpoints = latest
    .filter((p) => p.cell === id)
    .map(({ body }) => body)
    .sort((a, b) => (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0));
  return {
    cell: id,
    sisterGroup: cell.sisterGroup,
    endpoints: endpoints.map((p) => ({
      endpoint: p.endpoint,
      url: p.url,
      at: p.startedAt,
      code: p.diagnosis.code,
      untrusted: p.diagnosis.code === 'server-cert-untrusted',
      certificate: p.serverCertificate ?? null,
      commands: p.serverCertificate ? trustCommands(invocation, p.serverCertificate.thumbprint) : null,
      sisters: sisters.map((s) => {
        const sp = probeOf(s.id, p.endpoint);
        return {
          cell: s.id,
          online: s.online,
          at: sp?.startedAt ?? null,
          code: sp?.diagnosis.code ?? null,
          certificate: sp?.serverCertificate ?? null,
        };
      }),
    })),
  };
}
