// Where a snapshot starts. Configured roots are node ids (`ns=2;s=Channel1`) or browse paths
// (`/Objects/2:Channel1`, `/Objects/{KEPServerEX}Channel1`, `/Objects/Channel1`). Without
// configuration: every child of Objects that is not a standard node (the Server object and
// the other namespace-0 nodes), whatever namespace its browse name is in: a PLC-embedded or
// gateway server without a vendor profile is snapshotted by its Objects folder, bounded by the
// node budget (issue 13; some stacks give their own objects namespace-0 browse names). On
// Kepware-like servers the `_`-prefixed plug-in and system folders are left out, i.e. the
// channels/devices tree remains (research §4).
import { childKey, namePath } from '@cellfleet/core';
import {
  AttributeIds,
  BrowseDirection,
  type NodeId,
  ObjectIds,
  type ReferenceDescription,
  resolveNodeId,
} from 'node-opcua-client';
import type { BatchContext } from './batch.ts';

export const KEPWARE_NAMESPACES = ['KEPServerEX', 'Kepware Server'];
const OBJECTS = resolveNodeId(`ns=0;i=${ObjectIds.ObjectsFolder}`);
const ROOT = `ns=0;i=${ObjectIds.RootFolder}`;

export interface Root {
  readonly nodeId: NodeId;
  readonly key: string;
  readonly path: string;
  readonly nodeClass: string;
}

/** Namespace URIs for keys: the server's own URI becomes `server` (see core keys.ts). */
export function uriOf(index: number, namespaces: readonly string[], serverUri: string | undefined): string {
  const uri = namespaces[index] ?? `ns${index}`;
  return uri === serverUri && index !== 0 ? 'server' : uri;
}

export interface RootContext {
  readonly batch: BatchContext;
  readonly namespaces: readonly string[];
  readonly serverUri: string | undefined;
}

async function children(ctx: RootContext, nodeId: NodeId): Promise<ReferenceDescription[]> {
  ctx.batch.counts.browse++;
  const r = await ctx.batch.session.browse({
    nodeId,
    referenceTypeId: 'HierarchicalReferences',
    includeSubtypes: true,
    browseDirection: BrowseDirection.Forward,
    nodeClassMask: 0,
    resultMask: 0x3f,
  });
  return r.references ?? [];
}

function toRoot(ctx: RootContext, parentKey: string, ref: ReferenceDescription): Root {
  const key = childKey(
    parentKey,
    uriOf(ref.browseName.namespaceIndex, ctx.namespaces, ctx.serverUri),
    ref.browseName.name ?? '',
  );
  return {
    nodeId: resolveNodeId(ref.nodeId.toString()),
    key,
    path: namePath(key),
    nodeClass: nodeClassName(ref.nodeClass),
  };
}

export function nodeClassName(nodeClass: number): string {
  return (
    (
      { 1: 'Object', 2: 'Variable', 4: 'Method', 8: 'ObjectType', 16: 'VariableType' } as Record<
        number,
        string
      >
    )[nodeClass] ?? `NodeClass${nodeClass}`
  );
}

export async function defaultRoots(ctx: RootContext): Promise<Root[]> {
  const refs = await children(ctx, OBJECTS);
  const kepware = ctx.namespaces.some((u) => KEPWARE_NAMESPACES.includes(u));
  return refs
    .filter((r) => r.nodeId.namespace !== 0 && (r.nodeClass === 1 || r.nodeClass === 2))
    .filter((r) => !(kepware && (r.browseName.name ?? '').startsWith('_')))
    .map((r) => toRoot(ctx, '/Objects', r))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
}

export async function resolveRoot(ctx: RootContext, spec: string): Promise<Root> {
  return spec.startsWith('/') ? resolvePath(ctx, spec) : resolveNodeIdRoot(ctx, spec);
}

function segmentMatches(ctx: RootContext, seg: string, ref: ReferenceDescription): boolean {
  const name = ref.browseName.name ?? '';
  const ns = ref.browseName.namespaceIndex;
  const clark = /^\{(.*)\}(.*)$/.exec(seg);
  if (clark)
    return (
      clark[2] === name &&
      (ctx.namespaces[ns] === clark[1] || uriOf(ns, ctx.namespaces, ctx.serverUri) === clark[1])
    );
  const indexed = /^(\d+):(.*)$/.exec(seg);
  if (indexed) return Number(indexed[1]) === ns && indexed[2] === name;
  return seg === name;
}

async function resolvePath(ctx: RootContext, spec: string): Promise<Root> {
  const segs = spec.split('/').filter((s) => s.length > 0);
  if (segs[0] !== 'Objects') throw new Error(`snapshot root ${spec}: a browse path must start at /Objects`);
  let root: Root = { nodeId: OBJECTS, key: '/Objects', path: '', nodeClass: 'Object' };
  for (const seg of segs.slice(1)) {
    const ref = (await children(ctx, root.nodeId)).find((r) => segmentMatches(ctx, seg, r));
    if (!ref) throw new Error(`snapshot root ${spec}: no child "${seg}" under ${root.key}`);
    root = toRoot(ctx, root.key, ref);
  }
  return root;
}

/** A node id root is keyed by its browse path, found by walking inverse references up to Objects. */
async function resolveNodeIdRoot(ctx: RootContext, spec: string): Promise<Root> {
  const nodeId = resolveNodeId(spec);
  const segments: string[] = [];
  let current = nodeId;
  let nodeClass = 'Object';
  for (let depth = 0; depth < 32; depth++) {
    if (current.toString() === OBJECTS.toString()) break;
    if (current.toString() === ROOT) throw new Error(`snapshot root ${spec} is not under /Objects`);
    ctx.batch.counts.read++;
    const [name, cls] = await ctx.batch.session.read([
      { nodeId: current, attributeId: AttributeIds.BrowseName },
      { nodeId: current, attributeId: AttributeIds.NodeClass },
    ]);
    if (!name?.statusCode.isGood())
      throw new Error(`snapshot root ${spec}: ${name?.statusCode.name ?? 'no answer'}`);
    if (depth === 0) nodeClass = nodeClassName(Number(cls?.value.value));
    const q = name.value.value as { namespaceIndex: number; name: string };
    segments.unshift(childKey('', uriOf(q.namespaceIndex, ctx.namespaces, ctx.serverUri), q.name).slice(1));
    ctx.batch.counts.browse++;
    const up = await ctx.batch.session.browse({
      nodeId: current,
      referenceTypeId: 'HierarchicalReferences',
      includeSubtypes: true,
      browseDirection: BrowseDirection.Inverse,
      resultMask: 0x3f,
    });
    const parent = (up.references ?? []).map((r) => r.nodeId.toString()).sort()[0];
    if (!parent) throw new Error(`snapshot root ${spec} has no parent; it is not under /Objects`);
    current = resolveNodeId(parent);
  }
  const key = `/Objects/${segments.join('/')}`;
  return { nodeId, key, path: namePath(key), nodeClass };
}
