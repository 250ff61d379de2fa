// The Sql drivers behave alike: placeholders, numbers, bytes, transactions that join, roll
// back and serialize, and versioned migrations per dialect.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onBothDialects } from './dialects.test-support.ts';
import { numberedPlaceholders } from './sql.ts';

const SCHEMA = {
  sqlite: [
    'CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER NOT NULL, b BLOB)',
    'ALTER TABLE t ADD COLUMN note TEXT',
  ],
  postgres: [
    'CREATE TABLE t (k TEXT PRIMARY KEY, n BIGINT NOT NULL, b BYTEA)',
    'ALTER TABLE t ADD COLUMN note TEXT',
  ],
};

test('placeholders are numbered outside quoted text only', () => {
  assert.equal(
    numberedPlaceholders(`SELECT * FROM t WHERE a = ? AND b = '?' AND "c?" = ? LIMIT ?`),
    `SELECT * FROM t WHERE a = $1 AND b = '?' AND "c?" = $2 LIMIT $3`,
  );
});

onBothDialects('Sql driver', (open) => {
  test('migrations run once, in order, and record their version', async () => {
    const sql = await open();
    try {
      assert.equal(await sql.migrate('t', SCHEMA), 2);
      assert.equal(await sql.migrate('t', SCHEMA), 0);
      const row = await sql.get<{ v: number }>(
        'SELECT MAX(version) AS v FROM schema_migrations WHERE namespace = ?',
        ['t'],
      );
      assert.equal(Number(row?.v), 2);
    } finally {
      await sql.close();
    }
  });

  test('big integers come back as numbers, bytes as bytes, changes are counted', async () => {
    const sql = await open();
    try {
      await sql.migrate('t', SCHEMA);
      const at = 1_790_000_000_123;
      await sql.run('INSERT INTO t (k, n, b) VALUES (?, ?, ?)', ['a', at, new Uint8Array([1, 2, 255])]);
      const r = await sql.get<{ n: number; b: Uint8Array }>('SELECT n, b FROM t WHERE k = ?', ['a']);
      assert.equal(r?.n, at);
      assert.deepEqual([...(r?.b ?? [])], [1, 2, 255]);
      const c = await sql.get<{ c: number }>('SELECT COUNT(*) AS c FROM t');
      assert.equal(c?.c, 1);
      assert.equal(await sql.run('UPDATE t SET note = ? WHERE k = ?', ['x', 'a']), 1);
      assert.equal(await sql.run('UPDATE t SET note = ? WHERE k = ?', ['x', 'nope']), 0);
      const back = await sql.get<{ k: string }>('INSERT INTO t (k, n) VALUES (?, ?) RETURNING k', ['b', 2]);
      assert.equal(back?.k, 'b');
    } finally {
      await sql.close();
    }
  });

  test('a transaction commits together, rolls back together, and nested calls join it', async () => {
    const sql = await open();
    try {
      await sql.migrate('t', SCHEMA);
      const insert = (k: string) => sql.run('INSERT INTO t (k, n) VALUES (?, 1)', [k]);
      await sql.tx(async () => {
        await insert('a');
        await sql.tx(() => insert('b'));
      });
      await assert.rejects(
        sql.tx(async () => {
          await insert('c');
          await sql.tx(() => insert('a')); // duplicate key: the whole transaction goes
        }),
      );
      const keys = await sql.all<{ k: string }>('SELECT k FROM t ORDER BY k');
      assert.deepEqual(
        keys.map((r) => r.k),
        ['a', 'b'],
      );
    } finally {
      await sql.close();
    }
  });

  test('concurrent read-modify-write transactions under one lock lose no update', async () => {
    const sql = await open();
    try {
      await sql.migrate('t', SCHEMA);
      await sql.run("INSERT INTO t (k, n) VALUES ('counter', 0)");
      const bump = () =>
        sql.tx(async () => {
          await sql.lock('counter');
          const r = await sql.get<{ n: number }>("SELECT n FROM t WHERE k = 'counter'");
          await new Promise((res) => setTimeout(res, 2)); // let the others try to interleave
          await sql.run("UPDATE t SET n = ? WHERE k = 'counter'", [(r?.n ?? 0) + 1]);
        });
      await Promise.all(Array.from({ length: 20 }, bump));
      const r = await sql.get<{ n: number }>("SELECT n FROM t WHERE k = 'counter'");
      assert.equal(r?.n, 20);
    } finally {
      await sql.close();
    }
  });

  test('a statement outside the transaction never lands inside it', async () => {
    const sql = await open();
    try {
      await sql.migrate('t', SCHEMA);
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const failing = sql.tx(async () => {
        await sql.run("INSERT INTO t (k, n) VALUES ('in-tx', 1)");
        await gate;
        throw new Error('roll back');
      });
      const outside = sql.run("INSERT INTO t (k, n) VALUES ('outside', 1)");
      release();
      await assert.rejects(failing, /roll back/);
      await outside;
      const keys = await sql.all<{ k: string }>('SELECT k FROM t ORDER BY k');
      assert.deepEqual(
        keys.map((r) => r.k),
        ['outside'],
      );
    } finally {
      await sql.close();
    }
  });
});
