import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyLiveness, type Liveness, type LivenessEvent, NEVER_SEEN } from './liveness.ts';

const birth = (session: number, at: number): LivenessEvent => ({ kind: 'birth', session, at });
const death = (session: number, at: number): LivenessEvent => ({ kind: 'death', session, at });
const run = (events: LivenessEvent[]): Liveness => events.reduce(applyLiveness, NEVER_SEEN);

const table: Array<[string, LivenessEvent[], Liveness]> = [
  ['first birth', [birth(1, 10)], { online: true, session: 1, since: 10 }],
  ['birth then its death', [birth(1, 10), death(1, 20)], { online: false, session: 1, since: 20 }],
  [
    'a stale death after a new birth is ignored',
    [birth(1, 10), birth(2, 30), death(1, 35)],
    { online: true, session: 2, since: 30 },
  ],
  [
    'a replayed old birth after death is ignored',
    [birth(2, 10), death(2, 20), birth(1, 25)],
    { online: false, session: 2, since: 20 },
  ],
  ['a resent birth keeps since', [birth(3, 10), birth(3, 50)], { online: true, session: 3, since: 10 }],
  [
    'a repeated death keeps since',
    [birth(3, 10), death(3, 20), death(3, 90)],
    { online: false, session: 3, since: 20 },
  ],
  [
    'reconnect after death',
    [birth(1, 10), death(1, 20), birth(2, 30)],
    { online: true, session: 2, since: 30 },
  ],
  [
    'death of a newer session before its birth arrives',
    [birth(1, 10), death(2, 40), birth(2, 35)],
    { online: false, session: 2, since: 40 },
  ],
];

for (const [what, events, expected] of table) {
  test(what, () => assert.deepEqual(run(events), expected));
}
