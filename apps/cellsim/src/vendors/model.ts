import type { Fault, ParameterValue } from '../types.ts';

// A vendor profile describes an address space as data: folders and tags keyed by the string
// NodeId the vendor uses (Kepware: dotted tag path; Ignition: [Device]address). The builder in
// ../address-space.ts turns it into node-opcua nodes; nothing here touches node-opcua.

export type TagType = 'Boolean' | 'Int32' | 'UInt32' | 'Double' | 'Float' | 'String' | 'FloatArray';

export type TagValue = number | string | boolean | number[];

/**
 * parameter:  configuration the agent snapshots and may write (CurrentRead|CurrentWrite);
 * config:     read-only configuration (e.g. a recipe table);
 * process:    volatile value read from the device, read-only;
 * diagnostic: server or device health, read-only, stays Good when the device is down.
 */
export type TagRole = 'parameter' | 'config' | 'process' | 'diagnostic';

/** What a computed tag can look at. */
export interface TagContext {
  /** the server's clock, skewed under clock-skew */
  now(): Date;
  /** ms since the cell started */
  uptimeMs(): number;
  parameter(path: string): ParameterValue;
  faults: ReadonlySet<Fault>;
  sessionCount(): number;
  /** ms since the fault was switched on, undefined when it is off */
  faultAgeMs(fault: Fault): number | undefined;
  /** when the fault was last switched on or off (the cell's start if never), ms since the epoch */
  faultChangedAt(fault: Fault): number;
  cellName: string;
  softwareVersion: string;
  buildNumber: string;
}

export interface TagDef {
  path: string;
  type: TagType;
  role: TagRole;
  /** tags read from a device go BadNoCommunication under device-not-communicating */
  device?: string;
  /** default of a parameter, or the value of a static tag */
  value?: ParameterValue;
  compute?: (ctx: TagContext) => TagValue;
  /** SourceTimestamp of the value (a health item's last change); default: the time of the read */
  timestamp?: (ctx: TagContext) => Date;
  description?: string;
}

export interface BuildInfoDefaults {
  productName: string;
  productUri: string;
  manufacturerName: string;
  softwareVersion: string;
  buildNumber: string;
}

export interface VendorProfile {
  /** endpoint URL path, e.g. `/FactoryTalkLinxGateway1`; '' for none */
  resourcePath: string;
  /** the vendor's documented default UA port, used by `cellsim --default-port`; undefined if unknown */
  defaultPort: number | undefined;
  /** ServerCapabilities.MaxSessions the product is known for; undefined = node-opcua's default */
  maxSessions: number | undefined;
  /** namespace of the vendor's nodes, registered right after the server's own (or as ns=1) */
  namespaceUri: string;
  /** true when the vendor namespace itself must be ns=1 (Ignition) */
  vendorNamespaceIsServerNamespace: boolean;
  applicationUri(cellName: string): string;
  applicationName(cellName: string): string;
  buildInfo: BuildInfoDefaults;
  /** buildNumber when only the softwareVersion is overridden */
  buildNumberFor(softwareVersion: string): string;
  /** parent folder path and browse name of a node path; parent '' = the Objects folder */
  split(path: string): { parent: string; name: string };
  folderDescriptions: Record<string, string>;
  tags: TagDef[];
  /** folder under which extraNodes go, and the path of extra node i */
  extraPath(index: number): string;
  /** [from, to]: an Organizes reference from a config folder back to its ancestor */
  cycle: [string, string];
  /** Float array that grows under message-too-large */
  largeTag: string;
}

/** Omitting 'Channel2' or '[PLC2]' removes the whole device, as well as single tags. */
export function isOmitted(path: string, omit: readonly string[]): boolean {
  return omit.some((o) => path === o || path.startsWith(`${o}.`) || (o.endsWith(']') && path.startsWith(o)));
}

/** Split a dotted path ('Channel1.Device1.Recipe.Speed') into parent folder and name. */
export function splitDotted(path: string): { parent: string; name: string } {
  const i = path.lastIndexOf('.');
  return i < 0 ? { parent: '', name: path } : { parent: path.slice(0, i), name: path.slice(i + 1) };
}

// A process value that moves: sine around a base, period in seconds. Computed on read, so it
// changes between any two reads or samples without a timer to clear.
export function wave(base: number, amplitude: number, periodS: number): (ctx: TagContext) => number {
  return (ctx) => base + amplitude * Math.sin((2 * Math.PI * ctx.uptimeMs()) / (periodS * 1000));
}

/** A counter that grows by one per cycle of the given parameter (ms), like a part counter. */
export function counter(cycleParameter: string, fallbackMs: number): (ctx: TagContext) => number {
  return (ctx) => {
    const cycle = Number(ctx.parameter(cycleParameter)) || fallbackMs;
    return Math.floor(ctx.uptimeMs() / Math.max(cycle, 1));
  };
}

/** The recipe profile: 16 setpoints, or 100,000 under message-too-large (400 KB as Float). */
export function profileTable(ctx: TagContext): number[] {
  const n = ctx.faults.has('message-too-large') ? 100_000 : 16;
  return Array.from({ length: n }, (_, i) => Math.round(100 * Math.sin(i / 8)) / 10);
}

export function extraIndexPath(prefix: string, index: number): string {
  const group = String(Math.floor(index / 1000)).padStart(3, '0');
  return `${prefix}.G${group}.Tag${String(index).padStart(6, '0')}`;
}

/** The device-not-communicating fault's last switch: when a device went down or came back. */
export function deviceChangedAt(ctx: TagContext): Date {
  return new Date(ctx.faultChangedAt('device-not-communicating'));
}

/**
 * Split bracketed item paths (`[PLC1]Recipe.Speed` → `[PLC1]Recipe`; `[PLC1]` → `root`), the
 * form Ignition and FactoryTalk Linx Gateway use for device or shortcut items.
 */
export function splitBracketed(root: string): (path: string) => { parent: string; name: string } {
  return (path) => {
    if (root !== '' && path === root) return { parent: '', name: root };
    const m = /^(\[[^\]]+\])(.*)$/.exec(path);
    if (!m) return { parent: '', name: path };
    const device = m[1] ?? '';
    const address = m[2] ?? '';
    if (address === '') return { parent: root, name: device.slice(1, -1) };
    const i = address.lastIndexOf('.');
    return i < 0
      ? { parent: device, name: address }
      : { parent: device + address.slice(0, i), name: address.slice(i + 1) };
  };
}

/** Where a profile keeps the tags every emulated line has (recipe, config, counters, process). */
export interface LinePaths {
  speed: string;
  temperature: string;
  pressure?: string;
  cycleTimeMs: string;
  profile: string;
  mode: string;
  /** a secret the snapshotter must redact */
  password: string;
  partCount: string;
  actualSpeed: string;
}

/** The recipe, config and process tags of one device, at the vendor's paths. */
export function lineTags(p: LinePaths, device: string | undefined): TagDef[] {
  const dev = device === undefined ? {} : { device };
  return [
    { path: p.speed, type: 'Double', role: 'parameter', ...dev, value: 100 },
    { path: p.temperature, type: 'Double', role: 'parameter', ...dev, value: 180.5 },
    ...(p.pressure
      ? [{ path: p.pressure, type: 'Double', role: 'parameter', ...dev, value: 6.2 } as TagDef]
      : []),
    { path: p.cycleTimeMs, type: 'Int32', role: 'parameter', ...dev, value: 1200 },
    { path: p.profile, type: 'FloatArray', role: 'config', ...dev, compute: profileTable },
    { path: p.mode, type: 'String', role: 'parameter', ...dev, value: 'Auto' },
    { path: p.password, type: 'String', role: 'parameter', ...dev, value: 'plc-s3cret!' },
    { path: p.partCount, type: 'UInt32', role: 'process', ...dev, compute: counter(p.cycleTimeMs, 1200) },
    {
      path: p.actualSpeed,
      type: 'Double',
      role: 'process',
      ...dev,
      compute: (ctx) => Number(ctx.parameter(p.speed)) + wave(0, 1.5, 7)(ctx),
    },
  ];
}
