// The account lock and the hash gate on their own, on a clock the test moves.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '../kernel/errors.ts';
import { createAccountLocks, createHashGate, DEFAULT_LOCK_POLICY } from './throttle.ts';

test('locks: from the 5th wrong password a name waits 1 s, 2 s, 4 s … up to 15 min', () => {
  const clock = { now: 1_000_000 };
  const locks = createAccountLocks(() => clock.now);
  const seen: number[] = [];
  for (let i = 0; i < 16; i++) {
    assert.equal(locks.retryAfterMs('tina'), 0, `attempt ${i + 1} may try`);
    seen.push(locks.failed('tina'));
    clock.now += seen.at(-1)!;
  }
  assert.deepEqual(
    seen,
    [0, 0, 0, 0, 1000, 2000, 4000, 8000, 16_000, 32_000, 64_000, 128_000, 256_000, 512_000, 900_000, 900_000],
  );
  assert.equal(locks.retryAfterMs('ann'), 0, 'another name is not locked');
});

test('locks: a locked name waits out its lock; a right password then ends the count', () => {
  const clock = { now: 0 };
  const locks = createAccountLocks(() => clock.now);
  for (let i = 0; i < 6; i++) locks.failed('tina');
  assert.equal(locks.retryAfterMs('tina'), 2000);
  clock.now += 1500;
  assert.equal(locks.retryAfterMs('tina'), 500);
  clock.now += 500;
  assert.equal(locks.retryAfterMs('tina'), 0);
  locks.succeeded('tina');
  assert.equal(locks.failed('tina'), 0, 'counting starts again');
});

test('locks: a name left alone for 15 minutes after its lock ends starts again from zero', () => {
  const clock = { now: 0 };
  const locks = createAccountLocks(() => clock.now);
  for (let i = 0; i < 5; i++) locks.failed('tina');
  clock.now += 1000 + DEFAULT_LOCK_POLICY.forgetAfterMs - 1;
  assert.equal(locks.failed('tina'), 2000, 'a moment short: still counting');
  clock.now += 2000 + DEFAULT_LOCK_POLICY.forgetAfterMs;
  assert.equal(locks.failed('tina'), 0);
});

test('locks: memory is bounded; the least recently failed names are forgotten first', () => {
  const clock = { now: 0 };
  const locks = createAccountLocks(() => clock.now, { ...DEFAULT_LOCK_POLICY, maxNames: 3 });
  for (let i = 0; i < 5; i++) locks.failed('tina');
  assert.ok(locks.retryAfterMs('tina') > 0);
  for (const name of ['a', 'b']) locks.failed(name);
  locks.failed('tina'); // tina is now the most recent
  locks.failed('c'); // evicts a, not tina
  assert.ok(locks.retryAfterMs('tina') > 0, 'tina kept');
  for (const name of ['d', 'e', 'f']) locks.failed(name);
  assert.equal(locks.retryAfterMs('tina'), 0, 'evicted after three newer names');
});

test('gate: one check hashes at a time, a few wait, the rest are refused at once with 429', async () => {
  const gate = createHashGate({ slots: 1, maxWaiting: 2 });
  const pending: Array<() => void> = [];
  let running = 0;
  let most = 0;
  const work = () =>
    gate.run(async () => {
      running++;
      most = Math.max(most, running);
      await new Promise<void>((r) => pending.push(r));
      running--;
      return 'done';
    });
  const accepted = [work(), work(), work()];
  assert.deepEqual(gate.load(), { running: 1, waiting: 2 });
  await assert.rejects(work(), (err: unknown) => {
    assert.ok(err instanceof AppError);
    assert.equal(err.code, 'rate-limited');
    assert.equal(err.retryAfterS, 1);
    return true;
  });
  for (let done = 0; done < 3; ) {
    const release = pending.shift();
    if (release) {
      release();
      done++;
    }
    await new Promise((r) => setImmediate(r));
  }
  assert.deepEqual(await Promise.all(accepted), ['done', 'done', 'done']);
  assert.equal(most, 1, 'never two at once');
  assert.deepEqual(gate.load(), { running: 0, waiting: 0 });
});

test('gate: a check that fails frees its slot', async () => {
  const gate = createHashGate({ slots: 1, maxWaiting: 0 });
  await assert.rejects(
    gate.run(() => Promise.reject(new Error('boom'))),
    /boom/,
  );
  assert.equal(await gate.run(async () => 7), 7);
});
