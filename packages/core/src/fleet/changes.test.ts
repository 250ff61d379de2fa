import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mergePage } from './changes.ts';

const at = (kind: string, ...times: number[]) => times.map((t, i) => ({ at: t, id: `${kind}:${i}` }));
const times = (p: { items: { at: number }[] }) => p.items.map((i) => i.at);

describe('mergePage', () => {
  test('merges sources newest first; a short page ends the range', () => {
    const p = mergePage([at('drift', 9, 5, 1), at('action', 8, 2)], 10);
    assert.deepEqual(times(p), [9, 8, 5, 2, 1]);
    assert.equal(p.next, null);
  });
  test('a full page gives the cursor of its oldest change', () => {
    const p = mergePage([at('drift', 9, 5, 1), at('action', 8, 2)], 3);
    assert.deepEqual(times(p), [9, 8, 5]);
    assert.equal(p.next, 5);
  });
  test('never ends between two changes of the same millisecond', () => {
    const p = mergePage([at('drift', 9, 5, 1), at('version', 5), at('action', 8)], 3);
    assert.deepEqual(times(p), [9, 8]);
    assert.equal(p.next, 6, 'the next page starts at 5 again');
  });
  test('a page of one millisecond only is kept whole', () => {
    const p = mergePage([at('drift', 7, 7, 7, 3)], 2);
    assert.deepEqual(times(p), [7, 7, 7]);
    assert.equal(p.next, 7);
  });
  test('paging with the cursor visits every change once', () => {
    const sources = [
      at('drift', 20, 18, 18, 15, 11, 4),
      at('version', 19, 18, 12, 4, 2),
      at('action', 17, 11, 11, 1),
    ];
    const seen: number[] = [];
    let before = Number.POSITIVE_INFINITY;
    for (let guard = 0; guard < 20; guard++) {
      const page = mergePage(
        sources.map((s) => s.filter((c) => c.at < before).slice(0, 4)),
        3,
      );
      seen.push(...times(page));
      if (page.next === null) break;
      before = page.next;
    }
    assert.deepEqual(
      seen,
      sources
        .flat()
        .map((c) => c.at)
        .sort((a, b) => b - a),
    );
  });
});
