import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeMessage, encodeMessage, formatIssues, validateMessage } from './codec.ts';
import { createEnvelope, MAX_MESSAGE_BYTES } from './envelope.ts';

const probe = createEnvelope({
  kind: 'probe',
  id: 'msg-0000000001',
  cell: 'plant-1.line_A.press-01',
  ts: 1_790_000_000_000,
  seq: 7,
  session: 3,
  body: {
    endpoint: 'kepware',
    url: 'opc.tcp://127.0.0.1:49320',
    ok: true,
    startedAt: 1_790_000_000_000,
    durationMs: 41.5,
    steps: [{ name: 'tcp', ok: true, ms: 1.2 }],
    diagnosis: { code: 'ok', severity: 'ok', summary: 'Session established' },
    findings: [],
    server: {
      buildInfo: {
        productName: 'KEPServerEX',
        manufacturerName: 'PTC',
        softwareVersion: '6.16.1',
        buildNumber: '216',
      },
    },
  },
});

const clone = <T>(v: T): T => structuredClone(v);

describe('codec', () => {
  test('encode → decode round trips', () => {
    const decoded = decodeMessage(encodeMessage(probe));
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.message, probe);
  });

  test('unknown fields are tolerated within the major version (newer minor)', () => {
    const newer = {
      ...clone(probe),
      v: '1.7',
      extra: { future: true },
      body: { ...probe.body, futureField: 1 },
    };
    assert.equal(validateMessage(newer).ok, true);
  });

  const invalid: Array<
    [string, (m: Record<string, unknown> & { body: Record<string, unknown> }) => unknown, RegExp]
  > = [
    ['another major version', (m) => ({ ...m, v: '2.0' }), /^v protocol major version 2 is not supported/],
    ['an unknown kind', (m) => ({ ...m, kind: 'shell' }), /^kind unknown message kind "shell"/],
    ['a missing id', ({ id: _id, ...m }) => m, /^id is required/],
    ['a short id', (m) => ({ ...m, id: 'x' }), /^id /],
    ['a malformed cell id', (m) => ({ ...m, cell: 'plant/1' }), /^cell /],
    ['a negative seq', (m) => ({ ...m, seq: -1 }), /^seq /],
    ['a fractional ts', (m) => ({ ...m, ts: 1.5 }), /^ts /],
    // Issue 12, finding 7: both passed before, and seq was stored as a REAL.
    ['a ts past what a Date can hold', (m) => ({ ...m, ts: 8.64e15 + 1 }), /^ts .*8640000000000000/],
    ['a seq no double holds exactly', (m) => ({ ...m, seq: 1e308 }), /^seq .*9007199254740991/],
    ['a session past 2^53 − 1', (m) => ({ ...m, session: 2 ** 53 }), /^session /],
    [
      'a probe started past what a Date can hold',
      (m) => ({ ...m, body: { ...m.body, startedAt: 8.64e15 + 1 } }),
      /^body\.startedAt /,
    ],
    ['a body missing ok', (m) => ({ ...m, body: { ...m.body, ok: undefined } }), /^body\.ok is required/],
    [
      'a step with a string time',
      (m) => ({ ...m, body: { ...m.body, steps: [{ name: 'tcp', ok: true, ms: 'fast' }] } }),
      /^body\.steps\[0\]\.ms /,
    ],
    [
      'a bad diagnosis code',
      (m) => ({ ...m, body: { ...m.body, diagnosis: { code: 'Bad Code', severity: 'ok', summary: '' } } }),
      /^body\.diagnosis\.code /,
    ],
  ];
  for (const [what, mutate, expected] of invalid) {
    test(`rejects ${what}, naming the field`, () => {
      const result = validateMessage(JSON.parse(JSON.stringify(mutate(clone(probe) as never))));
      assert.equal(result.ok, false);
      if (!result.ok) assert.match(formatIssues(result.issues), expected);
    });
  }

  test('the bounds themselves are valid: ts 8.64e15, seq and session 2^53 − 1', () => {
    const edge = {
      ...clone(probe),
      ts: 8.64e15,
      seq: Number.MAX_SAFE_INTEGER,
      session: Number.MAX_SAFE_INTEGER,
    };
    assert.equal(validateMessage(edge).ok, true);
  });

  test('rejects non-JSON and oversize payloads before parsing', () => {
    const notJson = decodeMessage('{"v":');
    assert.ok(!notJson.ok && /not valid UTF-8 JSON/.test(formatIssues(notJson.issues)));
    const invalidUtf8 = decodeMessage(new Uint8Array([0x7b, 0xff, 0x7d]));
    assert.equal(invalidUtf8.ok, false);
    const huge = decodeMessage(new Uint8Array(MAX_MESSAGE_BYTES + 1));
    assert.ok(!huge.ok && /limit is/.test(formatIssues(huge.issues)));
  });

  test('encode refuses a message over the size limit', () => {
    const big = { ...probe, body: { ...probe.body, url: 'x'.repeat(MAX_MESSAGE_BYTES) } };
    assert.throws(() => encodeMessage(big), /limit is 262144/);
  });

  test('fuzz: random mutations never throw, and are either valid or explained', () => {
    // A small deterministic PRNG keeps the fuzz reproducible (seed printed on failure).
    let seed = 0x2545f491;
    const rand = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x100000000;
    };
    const junk = [null, -1, 1e308, '', 'x'.repeat(300), [], {}, true, '\u0000', { $ref: '#' }];
    const paths = [
      ['v'],
      ['kind'],
      ['id'],
      ['cell'],
      ['ts'],
      ['seq'],
      ['body'],
      ['body', 'steps'],
      ['body', 'ok'],
    ];
    for (let i = 0; i < 2000; i++) {
      const m = clone(probe) as unknown as Record<string, Record<string, unknown>>;
      const path = paths[Math.floor(rand() * paths.length)]!;
      const value = junk[Math.floor(rand() * junk.length)];
      if (path.length === 1) (m as Record<string, unknown>)[path[0]!] = value;
      else m[path[0]!]![path[1]!] = value;
      const result = decodeMessage(JSON.stringify(m));
      if (!result.ok)
        assert.ok(result.issues.length > 0 && result.issues.every((x) => x.field && x.reason), `case ${i}`);
    }
    for (let i = 0; i < 500; i++) {
      const bytes = new Uint8Array(Math.floor(rand() * 64));
      for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(rand() * 256);
      assert.equal(decodeMessage(bytes).ok, false);
    }
  });
});
