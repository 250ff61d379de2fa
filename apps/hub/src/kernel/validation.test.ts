import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NodeValue } from '@cellfleet/protocol';
import Fastify from 'fastify';
import Type from 'typebox';
import { installValidation } from './validation.ts';

async function app() {
  const a = Fastify();
  installValidation(a);
  a.post<{ Body: { value: unknown }; Querystring: { limit?: number } }>(
    '/echo',
    {
      schema: {
        body: Type.Object({ value: NodeValue }),
        querystring: Type.Object({ limit: Type.Optional(Type.Integer()) }),
      },
    },
    (req) => ({ value: req.body.value, valueType: typeof req.body.value, limit: req.query.limit ?? null }),
  );
  await a.ready();
  return a;
}

test('a number in a JSON body stays a number inside a string|number|boolean union', async () => {
  const a = await app();
  for (const value of [100, 6.25, true, 'Auto', '100', [1, 2]]) {
    const r = await a.inject({ method: 'POST', url: '/echo', payload: { value } });
    assert.equal(r.statusCode, 200);
    assert.deepEqual(r.json().value, value, `round trip of ${JSON.stringify(value)}`);
  }
  await a.close();
});

test('query strings are still coerced to their schema types', async () => {
  const a = await app();
  const r = await a.inject({ method: 'POST', url: '/echo?limit=25', payload: { value: 1 } });
  assert.equal(r.json().limit, 25);
  assert.equal(
    (await a.inject({ method: 'POST', url: '/echo?limit=x', payload: { value: 1 } })).statusCode,
    400,
  );
  await a.close();
});
