// Compiled validators with errors that name the field and say why.
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

export interface FieldIssue {
  /** JSON-pointer-like path of the offending field, e.g. `body.steps[2].ms`; `(root)` for the value itself. */
  readonly field: string;
  readonly reason: string;
}

export interface Checker<T> {
  check(value: unknown): value is T;
  /** The first few problems, most specific first; empty when the value is valid. */
  issues(value: unknown, limit?: number): FieldIssue[];
}

/** `/body/steps/2/ms` → `body.steps[2].ms` */
export function pointerToField(pointer: string, prefix = ''): string {
  const parts = pointer.split('/').filter((p) => p.length > 0);
  let out = prefix;
  for (const raw of parts) {
    const p = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    out += /^\d+$/.test(p) ? `[${p}]` : out.length === 0 ? p : `.${p}`;
  }
  return out.length === 0 ? '(root)' : out;
}

interface RawError {
  schemaPath?: string;
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

function describe(e: RawError): { field: string; reason: string } {
  // A closed object (additionalProperties: false) met a key it does not know.
  if (e.keyword === 'boolean' && e.schemaPath?.endsWith('/additionalProperties'))
    return { field: pointerToField(e.instancePath), reason: 'is not a known field' };
  if (e.keyword === 'required' && Array.isArray(e.params['requiredProperties'])) {
    const missing = (e.params['requiredProperties'] as string[]).join(', ');
    return { field: pointerToField(`${e.instancePath}/${missing}`), reason: 'is required' };
  }
  if (e.keyword === 'required' && typeof e.params['missingProperty'] === 'string') {
    return {
      field: pointerToField(`${e.instancePath}/${e.params['missingProperty']}`),
      reason: 'is required',
    };
  }
  return { field: pointerToField(e.instancePath), reason: e.message ?? `fails ${e.keyword}` };
}

export function compileChecker<T>(schema: TSchema, prefix = ''): Checker<T> {
  const compiled = Compile(schema);
  return {
    check: (value: unknown): value is T => compiled.Check(value),
    issues(value, limit = 5) {
      const out: FieldIssue[] = [];
      for (const raw of compiled.Errors(value) as Iterable<RawError>) {
        // Each unknown key has its own error (describe() above); the object-level summary adds nothing.
        if (raw.keyword === 'additionalProperties') continue;
        const d = describe(raw);
        const field = prefix && d.field !== '(root)' ? `${prefix}.${d.field}` : prefix || d.field;
        // Union failures repeat the same field; keep the first reason per field.
        if (!out.some((i) => i.field === field)) out.push({ field, reason: d.reason });
        if (out.length >= limit) break;
      }
      // Deeper paths are more useful than "(root) must match a schema in anyOf".
      return out.sort((a, b) => b.field.length - a.field.length);
    },
  };
}
