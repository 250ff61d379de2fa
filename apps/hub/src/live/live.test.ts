// Live events between replicas: payloads fit NOTIFY, two bridges on one database hear each
// other and not themselves, and a listener that loses its connection comes back.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Postgres, startPostgres } from '@cellfleet/testkit';
import pino from 'pino';
import { createPgPool } from '../db/pg-sql.ts';
import { type CellsEvent, createLiveBus } from './live.ts';
import { bridgeLiveBus, notifyPayloads, parsePayload } from './pg-bridge.ts';

const quiet = pino({ level: 'silent' });
let server: Postgres;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server?.stop();
});

const until = async (what: string, ok: () => boolean) => {
  const deadline = Date.now() + 5000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

test('a big event is split into payloads under the NOTIFY limit, losing no cell', () => {
  const cells = Array.from(
    { length: 2000 },
    (_, i) => `plant1.line-${i % 7}.cell-${String(i).padStart(5, '0')}`,
  );
  const payloads = notifyPayloads('me', { cells, kinds: ['probe', 'birth'] });
  assert.ok(payloads.length > 1);
  for (const p of payloads) assert.ok(Buffer.byteLength(p) < 8000, `${Buffer.byteLength(p)} bytes`);
  const back = payloads.flatMap((p) => parsePayload(p)?.cells ?? []);
  assert.deepEqual(back, cells);
  assert.equal(parsePayload('{"origin":1}'), undefined);
  assert.equal(parsePayload('not json'), undefined);
});

test('two replicas hear each other through PostgreSQL, never their own echo', async () => {
  const url = await server.createDatabase('live');
  const pools = [createPgPool(url, 2), createPgPool(url, 2)];
  const buses = [createLiveBus(), createLiveBus()];
  const heard: CellsEvent[][] = [[], []];
  for (const [i, b] of buses.entries()) b.onCells((e) => heard[i]!.push(e));
  const bridges = await Promise.all(
    buses.map((bus, i) => bridgeLiveBus({ url, pool: pools[i]!, bus, logger: quiet, retryMs: 100 })),
  );
  try {
    buses[0]!.publish({ cells: ['plant1.a.c1'], kinds: ['probe'] });
    await until('replica 2 hears replica 1', () => heard[1]!.length === 1);
    assert.deepEqual(heard[1]![0], { cells: ['plant1.a.c1'], kinds: ['probe'] });
    buses[1]!.publish({ cells: ['plant1.a.c2'], kinds: ['death'] });
    await until('replica 1 hears replica 2', () => heard[0]!.length === 2);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(heard[0]!.length, 2, 'replica 1: its own event once, the other once, no echo');
    assert.equal(heard[1]!.length, 2);

    // The database drops every other connection (a restart, a failover): the listener redials.
    const admin = createPgPool(url, 1);
    await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND datname = current_database()',
    );
    await admin.end();
    await until('replica 2 hears again after its listener was cut', () => {
      buses[0]!.publish({ cells: ['plant1.a.c3'], kinds: ['probe'] });
      return heard[1]!.some((e) => e.cells.includes('plant1.a.c3'));
    });
  } finally {
    for (const b of bridges) await b.close();
    for (const p of pools) await p.end();
  }
});
