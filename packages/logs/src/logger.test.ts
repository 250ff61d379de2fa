import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { createLogger, parseLogFlags } from './logger.ts';

function capture() {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString('utf8')));
  return { out, text: () => text };
}

test('JSON lines by default, with the service and the bound fields on every line', async () => {
  const c = capture();
  const { logger, close } = createLogger({ service: 'agent', stdout: c.out });
  logger.child({ cell: 'plant1.lineA.press-01' }).info({ endpoint: 'plc' }, 'probe done');
  await close();
  const line = JSON.parse(c.text().trim()) as Record<string, unknown>;
  assert.equal(line['svc'], 'agent');
  assert.equal(line['cell'], 'plant1.lineA.press-01');
  assert.equal(line['msg'], 'probe done');
  assert.equal(line['level'], 30);
});

test('pretty: a line for people, not JSON', async () => {
  const c = capture();
  const { logger, close } = createLogger({ service: 'hub', stdout: c.out, config: { format: 'pretty' } });
  logger.warn({ cell: 'plant1.lineA.press-01' }, 'broker: refused a publish');
  await close();
  const text = c.text();
  assert.match(text, /WARN/);
  assert.match(text, /broker: refused a publish/);
  assert.match(text, /cell: "plant1\.lineA\.press-01"/);
  assert.throws(() => JSON.parse(text.trim()));
});

async function writeLines(file: string, maxFiles: number, stdout: NodeJS.WritableStream) {
  const { logger, close } = createLogger({
    service: 'hub',
    stdout,
    config: { file, rotateSize: '1K', maxFiles },
  });
  for (let i = 0; i < 200; i++) {
    logger.info({ i }, 'a line long enough to fill a kilobyte after a dozen or so of its kind');
    if (i % 20 === 0) await new Promise((r) => setTimeout(r, 5)); // let the rotation happen
  }
  await close();
}
const ROTATED = /^hub\.log\.\d{8}T\d{6}Z\.\d+$/;

test('a log file gets the same JSON lines, rotated by size, none lost', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cellfleet-logs-'));
  try {
    const c = capture();
    await writeLines(join(dir, 'hub.log'), 100, c.out);
    const files = readdirSync(dir).filter((f) => f === 'hub.log' || ROTATED.test(f));
    assert.ok(files.length >= 3, `rotated: ${files.join(', ')}`);
    const seen = files
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n').filter(Boolean))
      .map((l) => (JSON.parse(l) as { i: number; svc: string }).i)
      .sort((a, b) => a - b);
    assert.deepEqual(
      seen,
      Array.from({ length: 200 }, (_, i) => i),
      'every line once, across the files',
    );
    assert.equal(c.text().trim().split('\n').length, 200, 'the terminal got every line too');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rotation keeps at most maxFiles old files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cellfleet-logs-'));
  try {
    await writeLines(join(dir, 'hub.log'), 2, capture().out);
    const rotated = readdirSync(dir).filter((f) => ROTATED.test(f));
    assert.ok(rotated.length >= 1 && rotated.length <= 2, rotated.join(', '));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--log-format and --log-file go on top of the config file’s log section', () => {
  assert.equal(parseLogFlags({}, undefined), undefined);
  assert.deepEqual(parseLogFlags({}, { format: 'pretty' }), { format: 'pretty' });
  assert.deepEqual(parseLogFlags({ 'log-file': '/var/log/h.log' }, { format: 'pretty', maxFiles: 3 }), {
    format: 'pretty',
    maxFiles: 3,
    file: '/var/log/h.log',
  });
  assert.deepEqual(parseLogFlags({ 'log-format': 'json' }, { format: 'pretty' }), { format: 'json' });
});
