// Failpoints kill the process only when armed, say so on stderr first, and refuse a value
// that would silently never fire (a typo in a crash test would otherwise test nothing).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { FAILPOINTS_ENV, parseFailpoints } from './failpoints.ts';

const MODULE = new URL('./failpoints.ts', import.meta.url).href;

/** Runs a Node process that calls failpoint(name) and then prints "survived". */
function callIn(name: string, armed: string | undefined) {
  const env = { ...process.env };
  delete env[FAILPOINTS_ENV];
  if (armed !== undefined) env[FAILPOINTS_ENV] = armed;
  const script = `import { createFailpoints } from ${JSON.stringify(MODULE)}; createFailpoints(process.env.${FAILPOINTS_ENV})(${JSON.stringify(name)}); console.log('survived');`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
}

test('parses a comma list of name=exit', () => {
  assert.deepEqual([...parseFailpoints(undefined)], []);
  assert.deepEqual([...parseFailpoints('')], []);
  assert.deepEqual(
    [...parseFailpoints(' dispatch.after-commit=exit, dispatch.after-publish=exit ')],
    ['dispatch.after-commit', 'dispatch.after-publish'],
  );
  assert.throws(
    () => parseFailpoints('dispatch.after-comit=exit'),
    /CELLFLEET_FAILPOINTS: "dispatch.after-comit=exit"/,
  );
  assert.throws(() => parseFailpoints('dispatch.after-commit'), /is not name=exit/);
  assert.throws(() => parseFailpoints('dispatch.after-commit=panic'), /is not name=exit/);
});

test('an armed failpoint logs one line and kills the process with SIGKILL', () => {
  const r = callIn('dispatch.after-commit', 'dispatch.after-commit=exit');
  assert.equal(r.signal, 'SIGKILL');
  assert.equal(r.stderr, 'failpoint dispatch.after-commit: killing the process\n');
  assert.equal(r.stdout, '');
});

test('an unarmed failpoint does nothing, even with another one armed', () => {
  for (const armed of [undefined, 'dispatch.after-publish=exit']) {
    const r = callIn('dispatch.after-commit', armed);
    assert.deepEqual([r.status, r.signal, r.stdout, r.stderr], [0, null, 'survived\n', ''], armed);
  }
});
