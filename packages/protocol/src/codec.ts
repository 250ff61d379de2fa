// Bytes ↔ messages. Decoding checks, in order: size, JSON, envelope, version, kind, body.
// Every rejection names the field and the reason, so a log line is enough to fix a sender.

import {
  type Envelope,
  type EnvelopeBase,
  EnvelopeSchema,
  MAX_MESSAGE_BYTES,
  PROTOCOL_MAJOR,
} from './envelope.ts';
import { isMessageKind, MESSAGE_KINDS, type MessageKind } from './registry.ts';
import { compileChecker, type FieldIssue } from './validate.ts';

export type DecodeResult = { ok: true; message: Envelope } | { ok: false; issues: FieldIssue[] };

const envelopeChecker = compileChecker(EnvelopeSchema);
const bodyCheckers = Object.fromEntries(
  Object.entries(MESSAGE_KINDS).map(([kind, spec]) => [kind, compileChecker(spec.body, 'body')]),
) as Record<MessageKind, ReturnType<typeof compileChecker>>;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

export function encodeMessage(message: EnvelopeBase & { kind: MessageKind; body: unknown }): Uint8Array {
  const bytes = utf8.encode(JSON.stringify(message));
  if (bytes.byteLength > MAX_MESSAGE_BYTES) {
    throw new RangeError(
      `${message.kind} message is ${bytes.byteLength} bytes; the limit is ${MAX_MESSAGE_BYTES}`,
    );
  }
  return bytes;
}

const fail = (field: string, reason: string): DecodeResult => ({ ok: false, issues: [{ field, reason }] });

export function decodeMessage(payload: Uint8Array | string): DecodeResult {
  const size = typeof payload === 'string' ? utf8.encode(payload).byteLength : payload.byteLength;
  if (size > MAX_MESSAGE_BYTES) return fail('(root)', `is ${size} bytes; the limit is ${MAX_MESSAGE_BYTES}`);
  let value: unknown;
  try {
    value = JSON.parse(typeof payload === 'string' ? payload : fromUtf8.decode(payload));
  } catch {
    return fail('(root)', 'is not valid UTF-8 JSON');
  }
  return validateMessage(value);
}

export function validateMessage(value: unknown): DecodeResult {
  if (!envelopeChecker.check(value)) return { ok: false, issues: envelopeChecker.issues(value) };
  const env = value as { v: string; kind: string; body: unknown };
  const major = Number(env.v.split('.')[0]);
  if (major !== PROTOCOL_MAJOR) {
    return fail(
      'v',
      `protocol major version ${major} is not supported (this build speaks ${PROTOCOL_MAJOR}.x)`,
    );
  }
  if (!isMessageKind(env.kind)) return fail('kind', `unknown message kind "${env.kind}"`);
  const checker = bodyCheckers[env.kind];
  if (!checker.check(env.body)) return { ok: false, issues: checker.issues(env.body) };
  return { ok: true, message: value as Envelope };
}

export function formatIssues(issues: readonly FieldIssue[]): string {
  return issues.map((i) => `${i.field} ${i.reason}`).join('; ');
}
