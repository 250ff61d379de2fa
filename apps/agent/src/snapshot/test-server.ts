// A small configurable address space for the snapshotter's tests: vendor namespaces registered
// in any order, node ids with any prefix (same browse paths), a cycle, many extra nodes.
import { DataType, type Namespace, type UAObject } from 'node-opcua';
import { startTestServer, type TestServer } from '../opcua/testing.ts';

export interface TreeOptions {
  readonly dir: string;
  /** Registered in this order, so namespace indexes shuffle between servers. */
  readonly namespaces?: readonly string[];
  /** Prefix of string node ids: same browse paths, different node ids. */
  readonly idPrefix?: string;
  readonly speed?: number;
  readonly cycle?: boolean;
  readonly extra?: number;
  /** BuildInfo.BuildDate: a date, or `start` for the server's start time (as two other stacks do). */
  readonly buildDate?: Date | 'start';
  /** A folder whose browse name is in namespace 0, as some PLC stacks name their own objects. */
  readonly ns0Folder?: boolean;
}

export async function startTreeServer(o: TreeOptions): Promise<TestServer> {
  const server = await startTestServer({
    dir: o.dir,
    productName: 'KEPServerEX/UA Server',
    ...(o.buildDate ? { buildDate: o.buildDate === 'start' ? new Date() : o.buildDate } : {}),
  });
  const space = server.server.engine.addressSpace!;
  const order = o.namespaces ?? ['KEPServerEX'];
  const spaces = new Map<string, Namespace>(order.map((uri) => [uri, space.registerNamespace(uri)]));
  const ns = spaces.get('KEPServerEX')!;
  const id = (path: string) => `s=${o.idPrefix ?? ''}${path}`;
  const folder = (parent: UAObject, path: string, name: string) =>
    ns.addObject({ organizedBy: parent, nodeId: id(path), browseName: name });
  const variable = (parent: UAObject, path: string, name: string, value: number | string, writable = true) =>
    ns.addVariable({
      componentOf: parent,
      nodeId: id(path),
      browseName: name,
      dataType: typeof value === 'number' ? 'Double' : 'String',
      accessLevel: writable ? 'CurrentRead | CurrentWrite' : 'CurrentRead',
      userAccessLevel: writable ? 'CurrentRead | CurrentWrite' : 'CurrentRead',
      value: { dataType: typeof value === 'number' ? DataType.Double : DataType.String, value },
    });
  const ch = folder(space.rootFolder.objects, 'Channel1', 'Channel1');
  const dev = folder(ch, 'Channel1.Device1', 'Device1');
  const recipe = folder(dev, 'Channel1.Device1.Recipe', 'Recipe');
  variable(recipe, 'Channel1.Device1.Recipe.Speed', 'Speed', o.speed ?? 100);
  variable(recipe, 'Channel1.Device1.Recipe.Mode', 'Mode', 'Auto');
  variable(dev, 'Channel1.Device1.Password', 'Password', 'hunter2');
  variable(dev, 'Channel1.Device1.ActualSpeed', 'ActualSpeed', 99.5, false);
  folder(space.rootFolder.objects, '_System', '_System');
  if (o.ns0Folder) {
    const plc = ns.addObject({
      organizedBy: space.rootFolder.objects,
      nodeId: id('PlcData'),
      browseName: { namespaceIndex: 0, name: 'PlcData' },
    });
    variable(plc, 'PlcData.Setpoint', 'Setpoint', 42);
  }
  if (o.cycle) recipe.addReference({ referenceType: 'Organizes', nodeId: dev.nodeId });
  if (o.extra) {
    const extra = folder(dev, 'Channel1.Device1.Extra', 'Extra');
    for (let i = 0; i < o.extra; i++) variable(extra, `Channel1.Device1.Extra.T${i}`, `T${i}`, i);
  }
  return server;
}
