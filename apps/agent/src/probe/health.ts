// Vendor health signals, found by browsing rather than by guessed node ids (node ids differ
// between vendors and installs; Ignition's are not documented, research §5):
// - Kepware: <Channel>.<Device>._System._Error, true = communication failure (KB 2008)
// - Ignition: Devices/[Name]/Connected, false = device disconnected (Ignition OPC UA Drivers)
// - any server: the StatusCode of a few device tags (BadNoCommunication…, research §2.3 D20)
import type { DeviceHealthEvidence } from '@cellfleet/core';
import {
  AttributeIds,
  BrowseDirection,
  type ClientSession,
  NodeClass,
  type NodeId,
  type ReferenceDescription,
} from 'node-opcua';
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
/** Data-level "connected but bad" codes (research §1, rows marked "data-value quality"). */
const NO_COMMS = new Set([
  'BadNoCommunication',
  'BadCommunicationError',
  'BadWaitingForInitialData',
  'BadNotConnected',
  'BadDeviceFailure',
  'BadSensorFailure',
  'BadOutOfService',
]);

export async function readDeviceHealth(session: ClientSession, ms: number): Promise<DeviceHealthEvidence[]> {
  const variables = await browseForVariables(session, ms);
  const picks = pick(variables);
  if (picks.length === 0) return [];
  const dvs = await withDeadline(
    session.read(picks.map((p) => ({ nodeId: p.found.nodeId, attributeId: AttributeIds.Value }))),
    ms,
    'device health reads',
  );
  return picks.map((p, i) => {
    const dv = dvs[i];
    const status = dv?.statusCode.name ?? 'BadUnknown';
    const value = dv?.statusCode.isGood() ? dv.value.value : undefined;
    return judge(p, status, value);
  });
}

type Source = DeviceHealthEvidence['source'];

function pick(vars: readonly Found[]): { source: Source; found: Found }[] {
  const out: { source: Source; found: Found }[] = [];
  for (const f of vars) {
    if (f.name === '_Error' && f.parent === '_System') out.push({ source: 'kepware-error', found: f });
    else if (f.name === 'Connected') out.push({ source: 'ignition-connected', found: f });
  }
  const samples = vars.filter(
    (f) => !f.name.startsWith('_') && f.name !== 'Connected' && !f.parent.startsWith('_'),
  );
  for (const f of samples.slice(0, MAX_SAMPLES)) out.push({ source: 'tag-quality', found: f });
  return out;
}

function judge(p: { source: Source; found: Found }, status: string, value: unknown): DeviceHealthEvidence {
  const base = { source: p.source, node: p.found.path, status };
  switch (p.source) {
    case 'kepware-error':
      return { ...base, value: String(value), bad: value === true || NO_COMMS.has(status) };
    case 'ignition-connected':
      return { ...base, value: String(value), bad: value === false || NO_COMMS.has(status) };
    default:
      // Tag values are never recorded: a sampled tag may hold a secret (a PLC password).
      return { ...base, bad: NO_COMMS.has(status) };
  }
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
