// Vendor health signals, found by browsing rather than by guessed node ids (node ids differ
// between vendors and installs; Ignition's are not documented, research §5). Which browse
// paths are health items, and what a value means, comes from @cellfleet/core (each vendor
// profile's defaults plus the endpoint's `health.signals`); this file only browses and reads.
// Any server also gets the StatusCode of a few device tags (BadNoCommunication…, research §2.3 D20).
import {
  type DeviceHealthEvidence,
  type HealthSignalSpec,
  judgeHealth,
  matchesSignal,
  NO_COMMUNICATION,
} from '@cellfleet/core';
import {
  AttributeIds,
  BrowseDirection,
  type ClientSession,
  type DataValue,
  NodeClass,
  type NodeId,
  type ReferenceDescription,
} from 'node-opcua-client';
import { withDeadline } from '../opcua/deadline.ts';

interface Found {
  readonly nodeId: NodeId;
  readonly name: string;
  readonly parent: string;
  readonly path: string;
}

const MAX_DEPTH = 5;
const MAX_PER_LEVEL = 24;
const MAX_SAMPLES = 12;
const BATCH = 8;

interface Pick {
  readonly spec?: HealthSignalSpec;
  readonly found: Found;
  /** Sibling variables the spec reads along (seconds in error, error text), by browse name. */
  readonly siblings: readonly Found[];
}

export async function readDeviceHealth(
  session: ClientSession,
  ms: number,
  specs: readonly HealthSignalSpec[],
): Promise<DeviceHealthEvidence[]> {
  const variables = await browseForVariables(session, ms);
  const picks = pick(variables, specs);
  if (picks.length === 0) return [];
  const nodes = picks.flatMap((p) => [p.found, ...p.siblings]);
  const dvs = await withDeadline(
    session.read(nodes.map((f) => ({ nodeId: f.nodeId, attributeId: AttributeIds.Value }))),
    ms,
    'device health reads',
  );
  const byPath = new Map(nodes.map((f, i) => [f.path, dvs[i]]));
  const now = Date.now();
  return picks.map((p) => {
    const dv = byPath.get(p.found.path);
    const status = dv?.statusCode.name ?? 'BadUnknown';
    if (!p.spec) {
      // Tag values are never recorded: a sampled tag may hold a secret (a PLC password).
      return {
        source: 'tag-quality',
        node: p.found.path,
        status,
        bad: NO_COMMUNICATION.has(status),
        device: p.found.path.split('/')[0] ?? p.found.path,
      };
    }
    const siblings = Object.fromEntries(p.siblings.map((s) => [s.name, goodValue(byPath.get(s.path))]));
    const ts = dv?.sourceTimestamp?.getTime();
    return judgeHealth(
      p.spec,
      {
        node: p.found.path,
        status: status === 'Good' || dv?.statusCode.isGood() ? 'Good' : status,
        value: goodValue(dv),
        ...(ts ? { sourceTimestamp: ts } : {}),
        siblings,
      },
      now,
    );
  });
}

function goodValue(dv: DataValue | undefined): unknown {
  return dv?.statusCode.isGood() ? dv.value.value : undefined;
}

function pick(vars: readonly Found[], specs: readonly HealthSignalSpec[]): Pick[] {
  const out: Pick[] = [];
  const taken = new Set<string>();
  for (const f of vars) {
    const spec = specs.find((s) => matchesSignal(s, f.path));
    if (!spec) continue;
    const names = [spec.secondsInError, spec.text].filter((n): n is string => Boolean(n));
    const siblings = vars.filter((v) => names.includes(v.name) && folderOf(v) === folderOf(f));
    out.push({ spec, found: f, siblings });
    taken.add(f.path);
  }
  // A health item speaks for its folder: its siblings (Ignition's State, Hostname, Port…) are
  // driver diagnostics, not device tags, so tag quality is sampled elsewhere.
  const healthFolders = new Set(out.map((p) => folderOf(p.found)));
  const samples = vars.filter(
    (f) =>
      !taken.has(f.path) &&
      !healthFolders.has(folderOf(f)) &&
      !/^[_$]/.test(f.name) &&
      !f.path.split('/').some((seg) => seg.startsWith('_')),
  );
  for (const f of samples.slice(0, MAX_SAMPLES)) out.push({ found: f, siblings: [] });
  return out;
}

function folderOf(f: Found): string {
  return f.path.slice(0, f.path.lastIndexOf('/'));
}

/** Breadth-first from Objects, vendor namespaces only, bounded in depth and width. */
async function browseForVariables(session: ClientSession, ms: number): Promise<Found[]> {
  let level: Found[] = [{ nodeId: 'ns=0;i=85' as unknown as NodeId, name: 'Objects', parent: '', path: '' }];
  const variables: Found[] = [];
  for (let depth = 0; depth < MAX_DEPTH && level.length > 0; depth++) {
    const next: Found[] = [];
    for (let i = 0; i < level.length; i += BATCH) {
      const batch = level.slice(i, i + BATCH);
      const results = await withDeadline(session.browse(batch.map(describe)), ms, 'browse');
      results.forEach((r, j) => {
        const parent = batch[j];
        if (!parent) return;
        for (const ref of r.references ?? []) classifyRef(ref, parent, next, variables);
      });
    }
    level = prioritise(next).slice(0, MAX_PER_LEVEL);
  }
  return variables;
}

function describe(f: Found) {
  return {
    nodeId: f.nodeId,
    referenceTypeId: 'HierarchicalReferences',
    includeSubtypes: true,
    browseDirection: BrowseDirection.Forward,
    nodeClassMask: NodeClass.Object | NodeClass.Variable,
    resultMask: 0x3f,
  };
}

function classifyRef(ref: ReferenceDescription, parent: Found, objects: Found[], variables: Found[]): void {
  const id = ref.nodeId;
  if (id.namespace === 0) return; // the standard Server object and its diagnostics
  const name = ref.browseName.name ?? '';
  const found = {
    nodeId: id,
    name,
    parent: parent.name,
    path: parent.path ? `${parent.path}/${name}` : name,
  };
  if (ref.nodeClass === NodeClass.Variable) variables.push(found);
  else if (ref.nodeClass === NodeClass.Object) objects.push(found);
}

/** Device-bearing folders first; Kepware's plug-in folders (`_DataLogger`…) hold no devices. */
function prioritise(list: Found[]): Found[] {
  const score = (f: Found) =>
    f.name === '_System' || f.name === 'Devices' || f.name.startsWith('[')
      ? 0
      : f.name.startsWith('_')
        ? 2
        : 1;
  return list.filter((f) => score(f) < 2 || f.name === '_System').sort((a, b) => score(a) - score(b));
}
