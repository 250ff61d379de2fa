// GET /api/cells?q=: a cell is found the way a tech types (issue 13 item 7) — by platform and
// product, server version, or what a client shows for its diagnosis, in either spelling or hex.
// GET /api/cells?ids=: only the named cells, what the fleet page refreshes after a live event.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createEnvelope, LIST_CELLS_MAX_IDS, type ProbeBody } from '@cellfleet/protocol';
import pino from 'pino';
import { buildHub, type Hub } from '../hub.ts';

let hub: Hub;
let token = '';
let n = 0;

const probe = (code: string, vendor: { vendor: string; product?: string }, version: string): ProbeBody => ({
  endpoint: 'opcua',
  url: 'opc.tcp://10.0.0.5:4840',
  ok: code === 'ok',
  startedAt: 1_000,
  durationMs: 10,
  steps: [],
  diagnosis: { code, severity: code === 'ok' ? 'ok' : 'error', summary: code },
  findings: [],
  server: {
    buildInfo: {
      productName: 'Server',
      manufacturerName: 'Maker',
      softwareVersion: version,
      buildNumber: '1',
    },
  },
  vendorDetection: { ...vendor, confidence: 'high', why: 'test', evidence: [], conflicts: [] },
});

before(async () => {
  hub = await buildHub(
    {
      database: { sqlite: ':memory:' },
      http: { host: '127.0.0.1', port: 0 },
      broker: { mode: 'embedded', host: '127.0.0.1', port: 0 },
    },
    { logger: pino({ level: 'silent' }) },
  );
  token = (await hub.services.auth.addUser('test', 'vic', 'viewer')).token;
  const cells: Array<[string, ProbeBody]> = [
    ['pack-01', probe('port-closed', { vendor: 'rockwell', product: 'ftlg' }, '6.40')],
    ['fill-01', probe('client-cert-untrusted', { vendor: 'siemens', product: 'wincc-unified' }, '19.0')],
    ['press-01', probe('ok', { vendor: 'kepware' }, '6.16.1')],
  ];
  for (const [cell, body] of cells) {
    const id = `plant1.lineA.${cell}`;
    await hub.services.cells.enroll({
      id,
      site: 'plant1',
      line: 'lineA',
      cell,
      sisterGroup: 'g',
      secretHash: 'a'.repeat(64),
      enrolledAt: 1,
    });
    const m = createEnvelope({
      kind: 'probe',
      id: `msg-${String(++n).padStart(6, '0')}`,
      cell: id,
      ts: 1,
      seq: n,
      session: 1,
      body,
    });
    await hub.services.cells.ingest([m], 2_000);
  }
});
after(() => hub.stop());

const list = (query: string) =>
  hub.app.inject({ url: `/api/cells?${query}`, headers: { authorization: `Bearer ${token}` } });

const found = async (q: string) => {
  const res = await list(`q=${encodeURIComponent(q)}`);
  assert.equal(res.statusCode, 200);
  return (res.json() as Array<{ cell: string }>).map((c) => c.cell).sort();
};

const named = async (ids: string) => {
  const res = await list(`ids=${encodeURIComponent(ids)}`);
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as Array<{ id: string }>).map((c) => c.id);
};

test('what a client shows, in either spelling or as hex, finds the cells with that diagnosis', async () => {
  assert.deepEqual(await found('BadSecurityChecksFailed'), ['fill-01']);
  assert.deepEqual(await found('Bad_SecurityChecksFailed'), ['fill-01']);
  assert.deepEqual(await found('0x80130000'), ['fill-01']);
  assert.deepEqual(await found('Bad_ConnectionRejected'), ['pack-01']);
});

test('platform, product and server version find cells; a healthy cell is not found by a fault status', async () => {
  assert.deepEqual(await found('WinCC Unified'), ['fill-01']);
  assert.deepEqual(await found('kepware 6.16'), ['press-01']);
  assert.deepEqual(await found('press'), ['press-01']);
  assert.deepEqual(await found('BadTooManySessions'), []);
  assert.equal((await found('')).length, 3, 'an empty query filters nothing');
});

test('ids= answers only the named cells that are enrolled, in place order; none named, none answered', async () => {
  assert.deepEqual(await named('plant1.lineA.press-01,plant1.lineA.fill-01'), [
    'plant1.lineA.fill-01',
    'plant1.lineA.press-01',
  ]);
  assert.deepEqual(await named('plant1.lineA.pack-01, plant9.gone.cell-01,plant1.lineA.pack-01'), [
    'plant1.lineA.pack-01',
  ]);
  assert.deepEqual(await named(''), []);
  assert.deepEqual(await named("x' OR '1'='1"), [], 'an id is a parameter, never SQL');
});

test('ids= with more cells than the contract allows is refused, naming the field', async () => {
  const ids = Array.from({ length: LIST_CELLS_MAX_IDS + 1 }, (_, i) => `p.l.c-${i}`).join(',');
  const res = await list(`ids=${encodeURIComponent(ids)}`);
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().field, 'ids');
  assert.match(
    res.json().message,
    new RegExp(`${LIST_CELLS_MAX_IDS + 1} cells; at most ${LIST_CELLS_MAX_IDS}`),
  );
});
