// Level-by-level walk of the configured subtrees. Each level is browsed in batches, its new
// nodes sorted by key and cut to the node budget, so the result (and a truncation) does not
// depend on the order responses arrive in. Cycle-safe: a reference back to an ancestor is
// skipped and counted; a node reachable by two paths appears under both (as in a file tree).
import { childKey, classifyNode, type NodeEntry, type RuleSet, type SnapshotEntries } from '@cellfleet/core';
import { AttributeIds, type NodeId, type ReferenceDescription, resolveNodeId } from 'node-opcua-client';
import { type BatchContext, browseAll, readAll } from './batch.ts';
import { nodeClassName, type Root, uriOf } from './roots.ts';
import { accessText, dataTypeName, isReadOnly, toJson } from './values.ts';

export interface WalkNode {
  readonly nodeId: NodeId;
  readonly id: string;
  readonly key: string;
  readonly path: string;
  readonly nodeClass: string;
  readonly parent: WalkNode | undefined;
}

export interface WalkOptions {
  readonly rules: RuleSet;
  readonly maxNodes: number;
  readonly maxDepth: number;
  readonly namespaces: readonly string[];
  readonly serverUri: string | undefined;
  /** Replaces a secret value; default: a marker without fingerprint. */
  readonly redact: (value: unknown) => SnapshotEntries[string];
  readonly onLevel?: (nodes: number) => void;
}

export interface WalkResult {
  readonly entries: SnapshotEntries;
  readonly nodes: number;
  readonly truncated?: string;
  readonly notes: string[];
}

interface WalkState {
  readonly entries: SnapshotEntries;
  readonly notes: string[];
  nodes: number;
  cycles: number;
  unbrowsable: string[];
  truncated?: string;
}

/** Adds node entries to `entries` (one object, no copies: a snapshot can hold 400,000 keys). */
export async function walk(
  ctx: BatchContext,
  roots: readonly Root[],
  o: WalkOptions & { entries: SnapshotEntries },
): Promise<WalkResult> {
  const st: WalkState = { entries: o.entries, notes: [], nodes: 0, cycles: 0, unbrowsable: [] };
  let level: WalkNode[] = roots.map((r) => ({ ...r, id: r.nodeId.toString(), parent: undefined }));
  level = accept(st, level, o);
  await describeVariables(ctx, st, level, o);
  for (let depth = 1; level.length > 0 && st.truncated === undefined; depth++) {
    const outcomes = await browseAll(
      ctx,
      level.map((n) => n.nodeId),
    );
    const found = children(st, level, outcomes, o);
    if (depth > o.maxDepth && found.length > 0) {
      st.truncated = `depth limit ${o.maxDepth} reached: nodes below ${found[0]!.parent?.path} were not captured`;
      break;
    }
    level = accept(st, found, o);
    await describeVariables(ctx, st, level, o);
    o.onLevel?.(st.nodes);
  }
  if (st.cycles > 0)
    st.notes.push(`${st.cycles} reference(s) back to an ancestor skipped (cycle in the address space)`);
  if (st.unbrowsable.length > 0) st.notes.push(`could not browse: ${st.unbrowsable.slice(0, 5).join('; ')}`);
  return {
    entries: st.entries,
    nodes: st.nodes,
    notes: st.notes,
    ...(st.truncated ? { truncated: st.truncated } : {}),
  };
}

function isAncestor(node: WalkNode | undefined, id: string): boolean {
  for (let n = node; n; n = n.parent) if (n.id === id) return true;
  return false;
}

function children(
  st: WalkState,
  level: readonly WalkNode[],
  outcomes: readonly { references: ReferenceDescription[]; bad?: string }[],
  o: WalkOptions,
): WalkNode[] {
  const found: WalkNode[] = [];
  level.forEach((parent, i) => {
    const out = outcomes[i]!;
    if (out.bad) st.unbrowsable.push(`${parent.path} (${out.bad})`);
    for (const ref of out.references) {
      const id = ref.nodeId.toString();
      if (isAncestor(parent, id)) {
        st.cycles++;
        continue;
      }
      const uri = uriOf(ref.browseName.namespaceIndex, o.namespaces, o.serverUri);
      const name = ref.browseName.name ?? '';
      const key = childKey(parent.key, uri, name);
      const path = parent.path ? `${parent.path}/${name}` : name;
      if (o.rules.excludes && classifyNode(o.rules, { path }) === 'exclude') continue;
      found.push({
        nodeId: resolveNodeId(ref.nodeId),
        id,
        key,
        path,
        nodeClass: nodeClassName(ref.nodeClass),
        parent,
      });
    }
  });
  return found;
}

/** Records nodes in key order up to the budget; the first over-budget node makes it truncated. */
function accept(st: WalkState, found: WalkNode[], o: WalkOptions): WalkNode[] {
  found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const accepted: WalkNode[] = [];
  for (const n of found) {
    if (Object.hasOwn(st.entries, n.key)) continue; // same browse name twice under one parent
    if (st.nodes >= o.maxNodes) {
      st.truncated = `node limit ${o.maxNodes} reached: ${found.length - accepted.length} more node(s) found at this level were not captured, nor anything below them`;
      break;
    }
    st.entries[n.key] = { class: n.nodeClass };
    st.nodes++;
    accepted.push(n);
  }
  return accepted;
}

/** DataType and AccessLevel for every variable; then Value only where the rules keep it. */
async function describeVariables(
  ctx: BatchContext,
  st: WalkState,
  level: readonly WalkNode[],
  o: WalkOptions,
) {
  const vars = level.filter((n) => n.nodeClass === 'Variable');
  if (vars.length === 0) return;
  const meta = await readAll(
    ctx,
    vars.flatMap((n) => [
      { nodeId: n.nodeId, attributeId: AttributeIds.DataType },
      { nodeId: n.nodeId, attributeId: AttributeIds.AccessLevel },
    ]),
  );
  const wanted: { node: WalkNode; secret: boolean }[] = [];
  vars.forEach((n, i) => {
    const dt = meta[2 * i];
    const al = meta[2 * i + 1];
    const entry = st.entries[n.key] as unknown as NodeEntry;
    entry.dataType = dt?.statusCode.isGood() ? dataTypeName(dt.value.value, o.namespaces) : null;
    const level = al?.statusCode.isGood() ? Number(al.value.value) : undefined;
    if (level !== undefined) entry.access = accessText(level);
    const facts = level === undefined ? { path: n.path } : { path: n.path, readOnly: isReadOnly(level) };
    const treatment = classifyNode(o.rules, facts);
    if (treatment === 'keep' || treatment === 'secret')
      wanted.push({ node: n, secret: treatment === 'secret' });
  });
  const values = await readAll(
    ctx,
    wanted.map((w) => ({ nodeId: w.node.nodeId, attributeId: AttributeIds.Value })),
  );
  wanted.forEach((w, i) => {
    const dv = values[i];
    const entry = st.entries[w.node.key] as unknown as NodeEntry;
    if (!dv?.statusCode.isGood()) entry.value = { $status: dv?.statusCode.name ?? 'no answer' };
    else entry.value = w.secret ? o.redact(dv.value.value) : toJson(dv.value.value);
  });
}
