import {
  type AddressSpace,
  DataType,
  DataValue,
  type Namespace,
  resolveNodeId,
  StatusCodes,
  type UAObject,
  Variant,
  VariantArrayType,
} from 'node-opcua';
import type { CellState } from './state.ts';
import type { ParameterValue } from './types.ts';
import type { TagDef, TagType } from './vendors/model.ts';
import { isOmitted } from './vendors/model.ts';

// Builds a vendor profile into a node-opcua address space (research §6): string NodeIds in
// the vendor namespace, folders created on demand so an omitted device leaves no empty folder.

const DATA_TYPES: Record<TagType, DataType> = {
  Boolean: DataType.Boolean,
  Int32: DataType.Int32,
  UInt32: DataType.UInt32,
  Double: DataType.Double,
  Float: DataType.Float,
  String: DataType.String,
  FloatArray: DataType.Float,
};

export interface BuildOptions {
  extraNodes?: number;
  omitTags?: string[];
  cyclicReference?: boolean;
}

export function buildAddressSpace(
  addressSpace: AddressSpace,
  ns: Namespace,
  state: CellState,
  options: BuildOptions,
): void {
  const { profile } = state;
  const folders = new Map<string, UAObject>();
  const objects = addressSpace.rootFolder.objects;

  const folder = (path: string): UAObject => {
    if (path === '') return objects;
    const existing = folders.get(path);
    if (existing) return existing;
    const { parent, name } = profile.split(path);
    const description = profile.folderDescriptions[path];
    const node = ns.addFolder(folder(parent), {
      nodeId: `s=${path}`,
      browseName: name,
      ...(description ? { description } : {}),
    });
    folders.set(path, node);
    return node;
  };

  for (const tag of state.tags.values()) addTag(ns, folder(profile.split(tag.path).parent), tag, state);

  const extra = options.extraNodes ?? 0;
  // resolved once: looking the type up by name per node costs ~25 % of 100,000 additions
  const doubleType = resolveNodeId('Double');
  const variableType = addressSpace.findVariableType('BaseDataVariableType') ?? undefined;
  for (let i = 0; i < extra; i++) {
    const path = profile.extraPath(i);
    if (isOmitted(path, options.omitTags ?? [])) continue;
    const { parent, name } = profile.split(path);
    // static config values: no getter, so 100,000 of them cost memory, not CPU per read
    ns.addVariable({
      componentOf: folder(parent),
      nodeId: `s=${path}`,
      browseName: name,
      dataType: doubleType,
      ...(variableType ? { typeDefinition: variableType } : {}),
      value: { dataType: DataType.Double, value: (i % 1000) / 4 },
    });
  }

  const [from, to] = profile.cycle;
  if (options.cyclicReference && folders.has(from) && folders.has(to)) {
    // Organizes back to an ancestor: a browser that does not track visited nodes loops forever
    folder(from).addReference({ referenceType: 'Organizes', nodeId: folder(to).nodeId });
  }
}

function toVariant(tag: TagDef, value: ParameterValue | number[]): Variant {
  if (tag.type === 'FloatArray') {
    return new Variant({
      dataType: DataType.Float,
      arrayType: VariantArrayType.Array,
      value: Float32Array.from(value as number[]),
    });
  }
  return new Variant({ dataType: DATA_TYPES[tag.type], value });
}

function currentValue(tag: TagDef, state: CellState): DataValue {
  const now = state.context.now();
  // OPC UA Part 4 §7.7.1: a Bad status means the value is to be ignored, so none is sent
  if (tag.device && state.faults.has('device-not-communicating')) {
    return new DataValue({
      statusCode: StatusCodes.BadNoCommunication,
      sourceTimestamp: now,
      serverTimestamp: now,
    });
  }
  const value =
    tag.role === 'parameter'
      ? state.readParameter(tag.path)
      : tag.compute
        ? tag.compute(state.context)
        : (tag.value ?? 0);
  const sourceTimestamp = tag.timestamp ? tag.timestamp(state.context) : now;
  return new DataValue({ value: toVariant(tag, value), sourceTimestamp, serverTimestamp: now });
}

function addTag(ns: Namespace, parent: UAObject, tag: TagDef, state: CellState): void {
  const writable = tag.role === 'parameter';
  const access = writable ? 'CurrentRead | CurrentWrite' : 'CurrentRead';
  const variable = ns.addVariable({
    componentOf: parent,
    nodeId: `s=${tag.path}`,
    browseName: state.profile.split(tag.path).name,
    dataType: DATA_TYPES[tag.type],
    valueRank: tag.type === 'FloatArray' ? 1 : -1,
    accessLevel: access,
    userAccessLevel: access,
    minimumSamplingInterval: 100,
    ...(tag.description ? { description: tag.description } : {}),
  });
  const timestamped_get = (): DataValue => currentValue(tag, state);
  if (!writable) {
    variable.bindVariable({ timestamped_get }, true);
    return;
  }
  variable.bindVariable(
    {
      timestamped_get,
      timestamped_set: async (dataValue: DataValue) => {
        const result = state.writeFromClient(tag.path, dataValue.value.value as ParameterValue);
        // Kepware answers a write from a client without write rights with BadUserAccessDenied
        return result === 'refused' ? StatusCodes.BadUserAccessDenied : StatusCodes.Good;
      },
    },
    true,
  );
}
