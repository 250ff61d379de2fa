// A simulated cell's configuration: the snapshot the real snapshotter would take of a small
// Kepware project (server identity, certificate, limits, channel/device/tag nodes under the
// same browse-path keys), built without an OPC UA server. Sisters share one base, so the hub's
// sister comparison finds them alike; each cell adds its own certificate thumbprint, as real
// cells do. Drift never mutates: the publisher keeps the acknowledged snapshot as its delta
// base, so a drifted cell gets a new map differing in one value and the old one stays intact.
import { createHash } from 'node:crypto';
import { childKey, type Json, type Snapshot, type SnapshotEntries } from '@cellfleet/core';
import { SIM_ENDPOINT } from './messages.ts';

export const DEFAULT_SNAPSHOT_ENTRIES = 50;

const NS = 'KEPServerEX';

/** Server-level entries, as apps/agent/src/snapshot/server-info.ts reads them. */
const SERVER: SnapshotEntries = {
  'server.productName': 'KEPServerEX/UA Server',
  'server.manufacturerName': 'PTC',
  'server.softwareVersion': '6.16.1',
  'server.buildNumber': '1',
  namespaces: ['KEPServerEX', 'http://opcfoundation.org/UA/', '{server}'],
  'limits.maxNodesPerRead': 2000,
  'limits.maxNodesPerBrowse': 1000,
  'limits.maxBrowseContinuationPoints': 100,
  'endpoint.SignAndEncrypt.Basic256Sha256': 'Anonymous,UserName',
  'certificate.subject': 'CN=KEPServerEX/UA Server',
  'certificate.notBefore': '2025-01-01T00:00:00.000Z',
  'certificate.notAfter': '2035-01-01T00:00:00.000Z',
};

/** Every cell has one more: its own `certificate.thumbprint`. */
export const MIN_SNAPSHOT_ENTRIES = Object.keys(SERVER).length + 1 + 4;

type Tag = readonly [name: string, dataType: string, value?: number | string];

/** One device's folders; tags with a value are configuration (RW), the rest process data (R). */
const DEVICE: readonly { folder: string; tags: readonly Tag[] }[] = [
  {
    folder: 'Recipe',
    tags: [
      ['Speed', 'Double', 100],
      ['Temperature', 'Double', 180.5],
      ['Pressure', 'Double', 6.2],
      ['CycleTimeMs', 'Int32', 1200],
    ],
  },
  {
    folder: 'Config',
    tags: [
      ['ScanRateMs', 'Int32', 100],
      ['Mode', 'String', 'Auto'],
      ['IPAddress', 'String', '192.168.10.21'],
    ],
  },
  {
    folder: 'Process',
    tags: [
      ['ActualSpeed', 'Double'],
      ['ActualTemperature', 'Double'],
      ['PartCount', 'UInt32'],
      ['Running', 'Boolean'],
    ],
  },
];

/** Channel1/Device1/Recipe/Speed, …, Channel2/…: as many node entries as asked for. */
function* nodeEntries(): Generator<[key: string, entry: Json, tunable: boolean]> {
  for (let c = 1; ; c++) {
    const channel = childKey('/Objects', NS, `Channel${c}`);
    const device = childKey(channel, NS, 'Device1');
    yield [channel, { class: 'Object' }, false];
    yield [device, { class: 'Object' }, false];
    for (const { folder, tags } of DEVICE) {
      const parent = childKey(device, NS, folder);
      yield [parent, { class: 'Object' }, false];
      for (const [name, dataType, value] of tags) {
        const key = childKey(parent, NS, name);
        if (value === undefined) yield [key, { class: 'Variable', dataType, access: 'R' }, false];
        else yield [key, { class: 'Variable', dataType, access: 'RW', value }, typeof value === 'number'];
      }
    }
  }
}

/** What sister cells have in common; built once per fleet and shared by every cell. */
export interface SimBase {
  readonly entries: SnapshotEntries;
  readonly nodes: number;
  /** Keys of numeric configuration values: what drift changes (a scan rate, a recipe value). */
  readonly tunable: readonly string[];
}

export function simBase(size = DEFAULT_SNAPSHOT_ENTRIES): SimBase {
  if (!(Number.isInteger(size) && size >= MIN_SNAPSHOT_ENTRIES))
    throw new RangeError(`fleetsim: a snapshot needs at least ${MIN_SNAPSHOT_ENTRIES} entries, got ${size}`);
  const entries: SnapshotEntries = { ...SERVER };
  const nodes = size - Object.keys(SERVER).length - 1;
  const tunables: string[] = [];
  const gen = nodeEntries();
  for (let i = 0; i < nodes; i++) {
    const [key, entry, tunable] = gen.next().value as [string, Json, boolean];
    entries[key] = entry;
    if (tunable) tunables.push(key);
  }
  return { entries, nodes, tunable: tunables };
}

export interface SimConfiguration {
  readonly entries: SnapshotEntries;
  /** The configuration as a snapshot taken now (a new wrapper; the entries are shared). */
  snapshot(takenAt: number): Snapshot;
  /** Changes one numeric configuration value (in a new map); returns its key. */
  drift(random: () => number): string;
}

export function simConfiguration(base: SimBase, cell: string): SimConfiguration {
  const thumbprint = createHash('sha1').update(`fleetsim:${cell}`).digest('hex');
  let entries: SnapshotEntries = { ...base.entries, 'certificate.thumbprint': thumbprint };
  const status = { state: 'complete' as const, nodes: base.nodes };
  return {
    get entries() {
      return entries;
    },
    snapshot: (takenAt) => ({ format: 1, endpoint: SIM_ENDPOINT.name, takenAt, status, entries }),
    drift(random) {
      const key = base.tunable[Math.floor(random() * base.tunable.length)]!;
      const entry = entries[key] as { [field: string]: Json };
      const value = nudge(entry['dataType'], entry['value'] as number, random() < 0.5 ? -1 : 1);
      entries = { ...entries, [key]: { ...entry, value } };
      return key;
    },
  };
}

/** About 5 % up or down (at least one unit of the value's precision), never to zero or below. */
function nudge(dataType: Json | undefined, v: number, sign: 1 | -1): number {
  if (dataType === 'Double') {
    const step = Math.max(0.1, Math.round(Math.abs(v) * 0.5) / 10);
    const next = Math.round((v + sign * step) * 10) / 10;
    return next > 0 ? next : Math.round((v + step) * 10) / 10;
  }
  const step = Math.max(1, Math.round(Math.abs(v) * 0.05));
  return v + sign * step > 0 ? v + sign * step : v + step;
}
