import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { migrate } from './migrate.ts';

test('migrations run once, in order, per namespace', () => {
  const db = new DatabaseSync(':memory:');
  const steps = ['CREATE TABLE a (x INTEGER)', 'ALTER TABLE a ADD COLUMN y TEXT'];
  assert.equal(migrate(db, 'mod', steps), 2);
  assert.equal(migrate(db, 'mod', steps), 0);
  assert.equal(migrate(db, 'mod', [...steps, 'CREATE INDEX a_y ON a (y)']), 1);
  assert.equal(migrate(db, 'other', ['CREATE TABLE b (z)']), 1);
  db.prepare('INSERT INTO a (x, y) VALUES (1, ?)').run('ok');
});

test('a failing step rolls back and names the namespace and version', () => {
  const db = new DatabaseSync(':memory:');
  assert.throws(
    () => migrate(db, 'mod', ['CREATE TABLE a (x)', 'CREATE TABLE a (x)']),
    /migration mod #2 failed/,
  );
  assert.equal(migrate(db, 'mod', ['CREATE TABLE a (x)', 'CREATE TABLE c (x)']), 1);
});
