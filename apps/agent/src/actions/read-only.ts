// probe-now and snapshot-now: read-only, so no rollback point and nothing to roll back.
// The action succeeds when the work was done; what it found (a failing probe) is in the
// detail and in the probe results themselves, which go to the hub like scheduled ones.
import type { EndpointConfig } from '@cellfleet/protocol';
import { snapshotHash } from '../snapshot/publisher.ts';
import { takeSnapshot } from '../snapshot/snapshotter.ts';
import { type ActionOf, endpointNamed, type Outcome, type StepContext, sessionTo } from './context.ts';

function targets(ctx: StepContext, endpoint: string | undefined): readonly EndpointConfig[] {
  return endpoint === undefined ? ctx.config.endpoints : [endpointNamed(ctx, endpoint)];
}

export async function runProbeNow(ctx: StepContext, action: ActionOf<'probe-now'>): Promise<Outcome> {
  const found: string[] = [];
  for (const ep of targets(ctx, action.params.endpoint)) {
    const body = await ctx.probe(ep);
    ctx.reportProbe(body);
    found.push(`${ep.name}: ${body.diagnosis.code}`);
  }
  return { outcome: 'succeeded', detail: `probed ${found.join(', ')}` };
}

/**
 * Through the agent's snapshot duty when it has one: the snapshot then reaches the hub like a
 * scheduled one (hash, delta or chunks), and the result names what was sent. The endpoints are
 * probed first because the duty snapshots only endpoints that probe ok.
 */
export async function runSnapshotNow(ctx: StepContext, action: ActionOf<'snapshot-now'>): Promise<Outcome> {
  const eps = targets(ctx, action.params.endpoint);
  if (ctx.snapshotNow) {
    const probes = [];
    for (const ep of eps) {
      const body = await ctx.probe(ep);
      ctx.reportProbe(body);
      probes.push(body);
    }
    const bad = probes.filter((p) => !p.ok).map((p) => `${p.endpoint}: ${p.diagnosis.code}`);
    if (bad.length === probes.length)
      return { outcome: 'failed', reason: 'server-unreachable', detail: `no snapshot: ${bad.join(', ')}` };
    const sent = await ctx.snapshotNow(probes);
    const hashes = sent.map((m) => `${m.kind} ${(m.body as { hash?: string }).hash ?? ''}`.trim());
    const skipped = bad.length > 0 ? `; skipped ${bad.join(', ')}` : '';
    return { outcome: 'succeeded', detail: `snapshot sent: ${[...new Set(hashes)].join(', ')}${skipped}` };
  }
  const found: string[] = [];
  for (const ep of eps) {
    const s = await sessionTo(ctx, ep);
    try {
      const run = await takeSnapshot(s.session, { endpoint: ep.name, now: ctx.now });
      found.push(
        `${ep.name}: sha256 ${snapshotHash(run.snapshot)}, ${run.stats.nodes} nodes, ${run.snapshot.status.state}`,
      );
    } finally {
      await s.close();
    }
  }
  return { outcome: 'succeeded', detail: `snapshot taken (not published): ${found.join('; ')}` };
}
