import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildNotebook, notebookMarkdown, type ProbePoint } from './notebook.ts';

const H = 3600_000;
const p = (at: number, code: string, endpoint = 'kepware'): ProbePoint => ({
  at,
  endpoint,
  ok: code === 'ok',
  code,
  summary: code === 'ok' ? 'Session established' : `fault ${code}`,
});

describe('fault-history notebook', () => {
  test('all good: no entries', () => {
    assert.deepEqual(buildNotebook([p(0, 'ok'), p(H, 'ok')], { now: 2 * H }), []);
  });

  test('a fault opens an entry; a change of diagnosis is one event, repeats are not', () => {
    const [e] = buildNotebook(
      [p(0, 'ok'), p(H, 'port-closed'), p(2 * H, 'port-closed'), p(3 * H, 'tcp-timeout')],
      { now: 4 * H },
    );
    assert.equal(e?.status, 'open');
    assert.deepEqual(e?.codes, ['port-closed', 'tcp-timeout']);
    assert.deepEqual(
      e?.events.map((x) => x.kind),
      ['opened', 'changed'],
    );
    assert.equal(e?.lastSeenFailing, 3 * H);
  });

  test('recovery starts a watch; a recurrence inside it reopens the same entry', () => {
    const entries = buildNotebook([p(0, 'port-closed'), p(H, 'ok'), p(10 * H, 'port-closed')], {
      now: 11 * H,
    });
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.status, 'open');
    assert.equal(entries[0]?.recurrences, 1);
    assert.deepEqual(
      entries[0]?.events.map((x) => x.kind),
      ['opened', 'recovered', 'recurred'],
    );
  });

  test('a failure after the watch ran out starts a new story', () => {
    const entries = buildNotebook([p(0, 'port-closed'), p(H, 'ok'), p(60 * H, 'bad-credentials')], {
      now: 61 * H,
    });
    assert.equal(entries.length, 2);
    assert.equal(entries[0]?.codes[0], 'bad-credentials');
    assert.equal(entries[1]?.status, 'closed');
    assert.equal(entries[1]?.closedAt, 49 * H);
  });

  test('the watch period is configurable and closes by the clock alone', () => {
    const [e] = buildNotebook([p(0, 'port-closed'), p(H, 'ok')], { now: 3 * H, watchMs: H });
    assert.equal(e?.status, 'closed');
    const [w] = buildNotebook([p(0, 'port-closed'), p(H, 'ok')], { now: 3 * H });
    assert.equal(w?.status, 'watching');
    assert.equal(w?.watchUntil, 49 * H);
  });

  test('endpoints keep separate stories', () => {
    const entries = buildNotebook([p(0, 'port-closed', 'a'), p(1, 'bad-credentials', 'b'), p(2, 'ok', 'a')], {
      now: 3,
    });
    assert.deepEqual(entries.map((e) => [e.endpoint, e.status]).sort(), [
      ['a', 'watching'],
      ['b', 'open'],
    ]);
  });

  test('flapping is summarised, not spammed', () => {
    const points = Array.from({ length: 20 }, (_, i) =>
      p(i * 60_000, i % 2 === 0 ? 'connection-dropped' : 'ok'),
    );
    const [e] = buildNotebook(points, { now: 21 * 60_000 });
    assert.equal(e?.flapping, true);
    assert.equal(e?.recurrences, 9);
    const md = notebookMarkdown('p.l.c', [e!], 21 * 60_000);
    assert.match(md, /flapping: 19 changes between/);
    const many = Array.from({ length: 200 }, (_, i) =>
      p(i * 60_000, i % 2 === 0 ? 'connection-dropped' : 'ok'),
    );
    const mdMany = notebookMarkdown('p.l.c', buildNotebook(many, { now: 201 * 60_000 }), 201 * 60_000);
    assert.equal(mdMany.split('\n').length, md.split('\n').length, '200 flaps read as short as 20');
  });

  test('markdown names the cell, the codes and the status', () => {
    const md = notebookMarkdown(
      'plant1.line-a.press-05',
      buildNotebook([p(0, 'port-closed'), p(H, 'ok')], { now: 2 * H }),
      2 * H,
    );
    assert.match(md, /^# Fault history of plant1\.line-a\.press-05/);
    assert.match(md, /## kepware: port-closed \(recovered, under watch\)/);
    assert.match(md, /1970-01-01T00:00:00Z opened: port-closed: fault port-closed/);
    assert.match(notebookMarkdown('x', [], 0), /No faults recorded/);
  });
});

describe('cell clients in the notebook (issue 17)', () => {
  const c = (at: number, code: string): ProbePoint => ({ ...p(at, code), client: 'Ignition Gateway' });
  test("a failing client is its own story, named by the client, while the agent's probe is ok; its recovery closes it", () => {
    const points = [
      p(0, 'ok'),
      c(1, 'client-cert-untrusted'),
      p(H, 'ok'),
      c(H + 1, 'client-cert-untrusted'),
      c(2 * H, 'ok'),
    ];
    const [e, ...rest] = buildNotebook(points, { now: 2 * H + 1, watchMs: H });
    assert.equal(rest.length, 0);
    assert.equal(e?.client, 'Ignition Gateway');
    assert.equal(e?.endpoint, 'kepware');
    assert.equal(e?.status, 'watching');
    assert.deepEqual(
      e?.events.map((x) => x.kind),
      ['opened', 'recovered'],
    );
    const closed = buildNotebook(points, { now: 4 * H, watchMs: H });
    assert.equal(closed[0]?.status, 'closed');
    assert.match(
      notebookMarkdown('plant1.lineA.press-01', closed, 4 * H),
      /## kepware as Ignition Gateway: client-cert-untrusted/,
    );
  });
});
