// Node keys: the browse path from the Objects folder, each segment qualified with its
// namespace URI in Clark notation (`{KEPServerEX}Channel1`), never with the namespace index
// or the NodeId: both differ between installs and vendors (PRODUCT.md, "Snapshots").
// Namespace 0 (the OPC UA namespace) is written without braces: `/Objects/Server`.

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
