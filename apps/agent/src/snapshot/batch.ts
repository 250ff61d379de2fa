// Batched, bounded-concurrency Browse/BrowseNext/Read (issue 4 §2: fast and gentle).
// node-opcua sends exactly what it is given: it neither splits a read by MaxNodesPerRead nor
// follows continuation points (research §3.3), so both happen here.
import {
  BrowseDirection,
  type BrowseResult,
  type ClientSession,
  type DataValue,
  NodeClassMask,
  type NodeId,
  type ReadValueIdOptions,
  type ReferenceDescription,
} from 'node-opcua-client';

export interface BatchLimits {
  /** Nodes per Browse and continuation points per BrowseNext. */
  browse: number;
  /** Attributes per Read. */
  read: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Asked of the server per node; more come back through continuation points. */
  referencesPerNode: number;
}

export interface RequestCounts {
  browse: number;
  browseNext: number;
  read: number;
}

export interface BatchContext {
  readonly session: ClientSession;
  readonly limits: BatchLimits;
  readonly counts: RequestCounts;
  /** maxAge for reads (OPC UA Part 4 §5.10.2): a server may answer from its cache. */
  readonly maxAgeMs: number;
}

export interface BrowseOutcome {
  readonly references: ReferenceDescription[];
  /** Set when the server refused to browse the node (e.g. BadNodeIdUnknown). */
  readonly bad?: string;
}

export async function pool<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return out;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const tooMany = (err: unknown) => err instanceof Error && /BadTooManyOperations/.test(err.message);

/** Reads in batches of `limits.read`; halves the batch when the server says BadTooManyOperations. */
export async function readAll(ctx: BatchContext, nodes: readonly ReadValueIdOptions[]): Promise<DataValue[]> {
  const batches = await pool(chunk(nodes, ctx.limits.read), ctx.limits.concurrency, (b) => readBatch(ctx, b));
  return batches.flat();
}

async function readBatch(ctx: BatchContext, nodes: ReadValueIdOptions[]): Promise<DataValue[]> {
  try {
    ctx.counts.read++;
    return await ctx.session.read(nodes, ctx.maxAgeMs);
  } catch (err) {
    if (!tooMany(err) || nodes.length === 1) throw err;
    ctx.limits.read = Math.max(1, Math.floor(nodes.length / 2));
    const parts = await Promise.all(chunk(nodes, ctx.limits.read).map((b) => readBatch(ctx, b)));
    return parts.flat();
  }
}

function describe(nodeId: NodeId) {
  return {
    nodeId,
    referenceTypeId: 'HierarchicalReferences',
    includeSubtypes: true,
    browseDirection: BrowseDirection.Forward,
    // Objects and Variables only: methods, types and views are not configuration.
    nodeClassMask: NodeClassMask.Object | NodeClassMask.Variable,
    resultMask: 0x3f,
  };
}

/** Browses every node (forward hierarchical references) and follows continuation points. */
export async function browseAll(ctx: BatchContext, nodeIds: readonly NodeId[]): Promise<BrowseOutcome[]> {
  ctx.session.requestedMaxReferencesPerNode = ctx.limits.referencesPerNode;
  const batches = chunk(
    nodeIds.map((id, i) => ({ id, i })),
    ctx.limits.browse,
  );
  const out = new Array<BrowseOutcome>(nodeIds.length);
  await pool(batches, ctx.limits.concurrency, async (batch) => {
    ctx.counts.browse++;
    const results = await ctx.session.browse(batch.map((b) => describe(b.id)));
    const refs = batch.map((_, j) => [...(results[j]?.references ?? [])]);
    await followContinuations(ctx, results, refs);
    batch.forEach((b, j) => {
      const status = results[j]?.statusCode;
      out[b.i] =
        status && !status.isGood() ? { references: refs[j]!, bad: status.name } : { references: refs[j]! };
    });
  });
  return out;
}

/** BrowseNext until every node's references are complete (OPC UA Part 4 §5.8.3). */
async function followContinuations(
  ctx: BatchContext,
  first: BrowseResult[],
  refs: ReferenceDescription[][],
): Promise<void> {
  let pending = first
    .map((r, j) => ({ cp: r.continuationPoint, j }))
    .filter((p): p is { cp: Buffer; j: number } => p.cp !== null && p.cp !== undefined && p.cp.length > 0);
  while (pending.length > 0) {
    const next: typeof pending = [];
    for (const part of chunk(pending, ctx.limits.browse)) {
      ctx.counts.browseNext++;
      const results = await ctx.session.browseNext(
        part.map((p) => p.cp),
        false,
      );
      part.forEach((p, k) => {
        const r = results[k];
        refs[p.j]!.push(...(r?.references ?? []));
        if (r?.continuationPoint && r.continuationPoint.length > 0)
          next.push({ cp: r.continuationPoint, j: p.j });
      });
    }
    pending = next;
  }
}
