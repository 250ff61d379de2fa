import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Type from 'typebox';
import { AgentConfigSchema } from './config.ts';
import { editDistance, findUnknownKeys, formatUnknownKey, suggest } from './unknown-keys.ts';

const minimal = {
  identity: { site: 'p', line: 'l', cell: 'c', sisterGroup: 'g' },
  hub: { url: 'mqtt://h', username: 'u', password: 'p' },
  endpoints: [{ name: 'kep', url: 'opc.tcp://h:49320' }],
};

describe('findUnknownKeys on the agent config', () => {
  const cases: Array<[string, unknown, string[]]> = [
    ['a valid config', minimal, []],
    [
      'a miscased security key in an endpoint',
      { ...minimal, endpoints: [{ name: 'kep', url: 'opc.tcp://h', trustOnFirstUSE: true }] },
      ['endpoints[0].trustOnFirstUSE is not a known key; did you mean endpoints[0].trustOnFirstUse?'],
    ],
    [
      'a dropped letter at the top',
      { ...minimal, logLevl: 'debug' },
      ['logLevl is not a known key; did you mean logLevel?'],
    ],
    [
      'a miscased unit in a nested object',
      { ...minimal, probe: { intervalMS: 1000 } },
      ['probe.intervalMS is not a known key; did you mean probe.intervalMs?'],
    ],
    [
      'swapped letters',
      { ...minimal, hub: { ...minimal.hub, pasword: 'x', keepailveSec: 3 } },
      [
        'hub.pasword is not a known key; did you mean hub.password?',
        'hub.keepailveSec is not a known key; did you mean hub.keepaliveSec?',
      ],
    ],
    ['nothing close', { ...minimal, colour: 'red' }, ['colour is not a known key']],
    [
      'script names are free (patternProperties), their fields are not',
      { ...minimal, maintenance: { scripts: { 'flush-queue': { command: '/bin/true', timeout: 5 } } } },
      [
        'maintenance.scripts.flush-queue.timeout is not a known key; did you mean maintenance.scripts.flush-queue.timeoutMs?',
      ],
    ],
    [
      'a script name the pattern refuses is unknown (the schema check names it too)',
      { ...minimal, maintenance: { scripts: { 'bad name': { command: '/bin/true' } } } },
      ['maintenance.scripts.bad name is not a known key'],
    ],
    ['values of the wrong type are left to the schema check', { ...minimal, probe: 'often' }, []],
  ];
  for (const [what, value, expected] of cases) {
    test(what, () => {
      assert.deepEqual(findUnknownKeys(AgentConfigSchema, value).map(formatUnknownKey), expected);
    });
  }
});

describe('findUnknownKeys on other schema shapes', () => {
  const union = Type.Union([
    Type.Object({ kind: Type.Literal('a'), alpha: Type.Number() }),
    Type.Object({ kind: Type.Literal('b'), beta: Type.Number() }),
  ]);
  const cases: Array<[string, unknown, unknown, string[]]> = [
    ['a key of either union branch is known', union, { kind: 'a', beta: 1 }, []],
    ['a key of no branch is not', union, { kind: 'a', gamma: 1 }, ['gamma']],
    ['arrays of objects', Type.Array(Type.Object({ x: Type.Number() })), [{ x: 1 }, { y: 2 }], ['[1].y']],
    [
      'additionalProperties: true allows anything',
      Type.Object({ a: Type.Number() }, { additionalProperties: true }),
      { b: 1 },
      [],
    ],
    [
      'a free-form record',
      Type.Record(Type.String(), Type.Object({ n: Type.Number() })),
      { k: { m: 1 } },
      ['k.m'],
    ],
    ['a scalar schema', Type.String(), 'x', []],
  ];
  for (const [what, schema, value, expected] of cases) {
    test(what, () => {
      assert.deepEqual(
        findUnknownKeys(schema, value).map((u) => u.field),
        expected,
      );
    });
  }
});

describe('suggest and editDistance', () => {
  const distances: Array<[string, string, number]> = [
    ['', '', 0],
    ['abc', 'abc', 0],
    ['logLevl', 'logLevel', 1],
    ['pasword', 'password', 1],
    ['keepailve', 'keepalive', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ];
  for (const [a, b, d] of distances) {
    test(`editDistance(${a}, ${b}) = ${d}`, () => assert.equal(editDistance(a, b), d));
  }
  const suggestions: Array<[string, string[], string | undefined]> = [
    ['TRUSTONFIRSTUSE', ['trustOnFirstUse', 'user'], 'trustOnFirstUse'],
    ['url', ['user', 'url'], 'url'],
    ['usr', ['user', 'url'], 'user'],
    ['x', ['y'], 'y'],
    ['colour', ['identity', 'hub', 'endpoints'], undefined],
    ['anything', [], undefined],
  ];
  for (const [word, candidates, expected] of suggestions) {
    test(`suggest(${word}) → ${expected ?? 'none'}`, () => assert.equal(suggest(word, candidates), expected));
  }
});
