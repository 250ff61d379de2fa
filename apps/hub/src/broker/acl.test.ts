import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mayPublish, maySubscribe, type Principal } from './acl.ts';

const agent: Principal = { kind: 'agent', cellId: 'p1.l1.c1' };
const hub: Principal = { kind: 'hub' };
const t = (cell: string, channel: string) => `cellfleet/v1/p1/l1/${cell}/${channel}`;

const cases: Array<[string, Principal, 'pub' | 'sub', string, boolean]> = [
  ['agent publishes its own probe', agent, 'pub', t('c1', 'probe'), true],
  ['agent publishes its own state', agent, 'pub', t('c1', 'state'), true],
  ['agent publishes under another cell', agent, 'pub', t('c2', 'probe'), false],
  ['agent publishes a command', agent, 'pub', t('c1', 'cmd'), false],
  ['agent forges an ack', agent, 'pub', t('c1', 'ack'), false],
  ['agent publishes outside the namespace', agent, 'pub', 'plant/anything', false],
  ['agent publishes on $SYS', agent, 'pub', '$SYS/broker/x', false],
  ['agent subscribes to its own cmd', agent, 'sub', t('c1', 'cmd'), true],
  ['agent subscribes to its own ack', agent, 'sub', t('c1', 'ack'), true],
  ['agent subscribes to another cell cmd', agent, 'sub', t('c2', 'cmd'), false],
  ['agent subscribes with a wildcard', agent, 'sub', 'cellfleet/v1/p1/l1/+/cmd', false],
  ['agent subscribes to everything', agent, 'sub', '#', false],
  ['agent subscribes to its own probe', agent, 'sub', t('c1', 'probe'), false],
  ['hub publishes an ack', hub, 'pub', t('c9', 'ack'), true],
  ['hub publishes a probe', hub, 'pub', t('c9', 'probe'), false],
  ['hub subscribes to all probes', hub, 'sub', 'cellfleet/v1/+/+/+/probe', true],
  ['hub shares a subscription', hub, 'sub', '$share/hub/cellfleet/v1/+/+/+/state', true],
  ['hub subscribes to everything', hub, 'sub', '#', false],
];

for (const [what, who, op, topic, expected] of cases) {
  test(`${what}: ${expected ? 'allowed' : 'refused'}`, () => {
    const d = op === 'pub' ? mayPublish(who, topic) : maySubscribe(who, topic);
    assert.equal(d.allow, expected, d.allow ? 'allowed' : d.reason);
    if (!d.allow) assert.ok(d.reason.length > 0);
  });
}
