// Node keys: the browse path from the Objects folder, each segment qualified with its
// namespace URI in Clark notation (`{KEPServerEX}Channel1`), never with the namespace index
// or the NodeId: both differ between installs and vendors (PRODUCT.md, "Snapshots").
// Namespace 0 (the OPC UA namespace) is written without braces: `/Objects/Server`.
import type { Json } from '../canonical.ts';
import { isNodeEntry, type SnapshotEntries } from './types.ts';

/** The key of namespace URIs equal to the server's own URI (its NamespaceArray[1] is usually
 * `urn:<host>:…`), so sister cells on different hosts produce the same keys. */
export const SERVER_NAMESPACE = '{server}';
export const OPCUA_NAMESPACE = 'http://opcfoundation.org/UA/';

export type NodeAttribute = 'dataType' | 'access' | 'value';

const ESCAPES: Record<string, string> = { '%': '%25', '/': '%2F', '{': '%7B', '}': '%7D', '#': '%23' };

function escapeName(name: string): string {
  return name.replace(/[%/{}#]/g, (c) => ESCAPES[c]!);
}

function unescapeName(name: string): string {
  return name.replace(/%(25|2F|7B|7D|23)/gi, (m) => decodeURIComponent(m));
}

/** One path segment. `uri` is the namespace URI ('' or the OPC UA URI for namespace 0). */
export function segment(uri: string, name: string): string {
  if (uri === '' || uri === OPCUA_NAMESPACE) return escapeName(name);
  return `{${uri.replace(/[{}]/g, (c) => ESCAPES[c]!)}}${escapeName(name)}`;
}

export function childKey(parent: string, uri: string, name: string): string {
  return `${parent}/${segment(uri, name)}`;
}

export function attributeKey(nodeKey: string, attribute: NodeAttribute): string {
  return `${nodeKey}#${attribute}`;
}

export function isNodeKey(key: string): boolean {
  return key.startsWith('/');
}

/** `/Objects/{KEPServerEX}Channel1/{KEPServerEX}Device1#value` → names and attribute. */
export function parseNodeKey(key: string): { names: string[]; attribute?: NodeAttribute } {
  const hash = key.indexOf('#');
  const path = hash < 0 ? key : key.slice(0, hash);
  const names = path
    .split('/')
    .filter((s) => s.length > 0)
    .map((s) => unescapeName(s.replace(/^\{[^}]*\}/, '')));
  if (hash < 0) return { names };
  return { names, attribute: key.slice(hash + 1) as NodeAttribute };
}

/** The path of plain browse names below Objects: what rules match and what people read. */
export function namePath(key: string): string {
  const { names } = parseNodeKey(key);
  return (names[0] === 'Objects' ? names.slice(1) : names).join('/');
}

/** The string rules match against: `Channel1/Device1/Recipe/Speed#value`, or the key itself. */
export function rulePath(key: string): string {
  if (!isNodeKey(key)) return key;
  const { attribute } = parseNodeKey(key);
  return attribute ? `${namePath(key)}#${attribute}` : namePath(key);
}

const ATTRIBUTE_LABEL: Record<NodeAttribute, string> = {
  dataType: ' (data type)',
  access: ' (access level)',
  value: '',
};

/** A short label for reports: `softwareVersion`, `Channel1/Device1/Recipe/Speed`. */
export function keyLabel(key: string): string {
  if (!isNodeKey(key)) return key.startsWith('server.') ? key.slice('server.'.length) : key;
  const { attribute } = parseNodeKey(key);
  return `${namePath(key)}${attribute ? ATTRIBUTE_LABEL[attribute] : ' (node)'}`;
}

/** True for a key that records that a node exists (its value is the NodeClass). */
export function isPresenceKey(key: string): boolean {
  return isNodeKey(key) && !key.includes('#');
}

const NODE_ATTRIBUTES: readonly NodeAttribute[] = ['dataType', 'access', 'value'];

/** Flat keys of one entry: a node gives its presence key plus one key per attribute it has. */
export function flatKeysOf(key: string, value: Json): string[] {
  if (!isNodeKey(key) || !isNodeEntry(value)) return [key];
  const out = [key];
  for (const a of NODE_ATTRIBUTES) if (value[a] !== undefined) out.push(`${key}#${a}`);
  return out;
}

/** The value of a flat key: `…#value` reads the node's value, a node key its class. */
export function valueAt(entries: SnapshotEntries, flatKey: string): Json | undefined {
  const hash = isNodeKey(flatKey) ? flatKey.lastIndexOf('#') : -1;
  if (hash < 0) {
    const v = entries[flatKey];
    return isNodeEntry(v) ? v.class : v;
  }
  const node = entries[flatKey.slice(0, hash)];
  return isNodeEntry(node) ? node[flatKey.slice(hash + 1) as NodeAttribute] : entries[flatKey];
}

/** The flat view: every flat key with its value. */
export function flattenEntries(entries: SnapshotEntries): SnapshotEntries {
  const out: SnapshotEntries = {};
  for (const [key, value] of Object.entries(entries)) {
    for (const k of flatKeysOf(key, value)) out[k] = valueAt(entries, k)!;
  }
  return out;
}
