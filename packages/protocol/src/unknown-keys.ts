// Unknown keys in a config file, with a "did you mean" (issue 12: `trustOnFirstUSE: true` was
// accepted silently and the agent ran with trust-on-first-use off). JSON Schema lets unknown
// keys through unless told otherwise; config files want the opposite, so this walks a schema
// (a TypeBox schema is plain JSON Schema) beside the value and reports every key the schema
// does not declare. A key is allowed when it is in `properties`, matches `patternProperties`,
// or the object says `additionalProperties: true` or gives it a schema. Pure: reusable by every
// config file the agent and the hub read.

export interface UnknownKey {
  /** Path of the unknown key in the same notation as FieldIssue: `endpoints[0].trustOnFirstUSE`. */
  readonly field: string;
  readonly key: string;
  /** The declared key it most likely means, with its path, when one is close enough. */
  readonly suggestion?: string;
}

interface Schema {
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly patternProperties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: boolean | Schema;
  readonly items?: Schema;
  readonly anyOf?: readonly Schema[];
  readonly oneOf?: readonly Schema[];
  readonly allOf?: readonly Schema[];
}

/** Every key of `value` that `schema` does not declare, in document order. */
export function findUnknownKeys(schema: unknown, value: unknown, path = ''): UnknownKey[] {
  const out: UnknownKey[] = [];
  walk(asSchema(schema), value, path, out);
  return out;
}

/** `probe.intervalMS is not a known key; did you mean probe.intervalMs?` */
export function formatUnknownKey(u: UnknownKey): string {
  return `${u.field} is not a known key${u.suggestion ? `; did you mean ${u.suggestion}?` : ''}`;
}

function walk(schema: Schema, value: unknown, path: string, out: UnknownKey[]): void {
  if (Array.isArray(value)) {
    const items = schema.items ?? branchItems(schema);
    if (items) for (const [i, v] of value.entries()) walk(items, v, `${path}[${i}]`, out);
    return;
  }
  if (!isPlainObject(value)) return;
  const objects = objectBranches(schema);
  if (objects.length === 0) return;
  const declared = objects.flatMap((o) => Object.keys(o.properties ?? {}));
  for (const [key, child] of Object.entries(value)) {
    const field = path === '' ? key : `${path}.${key}`;
    const target = childSchema(objects, key);
    if (target === 'any') continue;
    if (target) {
      walk(target, child, field, out);
      continue;
    }
    const near = suggest(key, declared);
    out.push({ field, key, ...(near ? { suggestion: path === '' ? near : `${path}.${near}` } : {}) });
  }
}

/** The schema a key's value must follow, `any` when it is allowed unchecked, else undefined. */
function childSchema(objects: readonly Schema[], key: string): Schema | 'any' | undefined {
  for (const o of objects) {
    const declared = o.properties?.[key];
    if (declared) return declared;
  }
  for (const o of objects) {
    for (const [pattern, s] of Object.entries(o.patternProperties ?? {})) {
      if (safeRegExp(pattern)?.test(key)) return s;
    }
    if (o.additionalProperties === true) return 'any';
    if (typeof o.additionalProperties === 'object') return o.additionalProperties;
  }
  return undefined;
}

/** The object schemas a value may follow: the schema itself, or the object branches of a union. */
function objectBranches(schema: Schema): Schema[] {
  const own = schema.properties || schema.patternProperties || schema.additionalProperties !== undefined;
  const branches = [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])].flatMap((b) =>
    objectBranches(asSchema(b)),
  );
  return own ? [schema, ...branches] : branches;
}

function branchItems(schema: Schema): Schema | undefined {
  return [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].map(asSchema).find((b) => b.items)?.items;
}

/**
 * The candidate `word` most likely means: same letters in another case, or a small edit
 * distance (a third of the word, at least 1, at most 3). Undefined when nothing is close.
 */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: { name: string; d: number } | undefined;
  for (const name of new Set(candidates)) {
    const d = editDistance(w, name.toLowerCase());
    if (!best || d < best.d) best = { name, d };
  }
  if (!best) return undefined;
  const limit = Math.min(3, Math.max(1, Math.floor(Math.max(w.length, best.name.length) / 3)));
  return best.d <= limit ? best.name : undefined;
}

/** Optimal string alignment distance: insert, delete, substitute, swap two neighbours. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i, ...Array<number>(b.length).fill(0)]);
  const row0 = rows[0] as number[];
  for (let j = 0; j <= b.length; j++) row0[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const prev = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = d;
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asSchema(s: unknown): Schema {
  return isPlainObject(s) ? (s as Schema) : {};
}

function safeRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
}
