// The kernel's answer to a request that fails its schema: 400 with the field at fault and, for a
// choice among values, the values it may take.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StringEnum } from '@cellfleet/protocol';
import Type from 'typebox';
import { testKernel } from './http.test-support.ts';

async function kernel() {
  const app = await testKernel({ authenticate: async () => undefined });
  app.post(
    '/check',
    {
      schema: {
        querystring: Type.Object({ format: Type.Optional(StringEnum(['json', 'csv'])) }),
        body: Type.Object({
          cell: Type.String(),
          endpoints: Type.Array(Type.Object({ url: Type.String() })),
        }),
      },
    },
    async () => ({ ok: true }),
  );
  await app.ready();
  return app;
}

test('a value outside a choice is refused naming the field and the values it may take', async () => {
  const app = await kernel();
  const r = await app.inject({
    method: 'POST',
    url: '/check?format=pdf',
    payload: { cell: 'c', endpoints: [] },
  });
  assert.equal(r.statusCode, 400);
  assert.equal(r.json().code, 'bad-request');
  assert.equal(r.json().field, 'format');
  assert.match(r.json().message, /format must be equal to one of the allowed values: json, csv$/);
  await app.close();
});

test('a missing or mistyped body field is named by its path', async () => {
  const app = await kernel();
  const missing = await app.inject({ method: 'POST', url: '/check', payload: { endpoints: [] } });
  assert.equal(missing.statusCode, 400);
  assert.equal(missing.json().field, 'cell');
  const wrong = await app.inject({
    method: 'POST',
    url: '/check',
    payload: { cell: 'c', endpoints: [{ url: 5 }] },
  });
  assert.equal(wrong.statusCode, 400);
  assert.equal(wrong.json().field, 'endpoints.0.url');
  assert.match(wrong.json().message, /must be string/);
  const fine = await app.inject({
    method: 'POST',
    url: '/check?format=csv',
    payload: { cell: 'c', endpoints: [] },
  });
  assert.deepEqual(fine.json(), { ok: true });
  await app.close();
});
