import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MESSAGE_KINDS, type MessageKind, topicOf } from './registry.ts';
import {
  agentSubscriptions,
  buildTopic,
  DOWN_CHANNELS,
  hubSubscriptions,
  parseTopic,
  UP_CHANNELS,
} from './topics.ts';

const ref = { site: 'plant-1', line: 'line_A', cell: 'press-01' };

describe('topics', () => {
  test('build → parse round trips for every channel', () => {
    for (const channel of [...UP_CHANNELS, ...DOWN_CHANNELS]) {
      const parsed = parseTopic(buildTopic(ref, channel));
      assert.ok(parsed.ok, `parse ${channel}`);
      assert.deepEqual(parsed.ref, ref);
      assert.equal(parsed.channel, channel);
      assert.equal(parsed.direction, (UP_CHANNELS as readonly string[]).includes(channel) ? 'up' : 'down');
    }
  });

  test('build refuses wildcards and separators in segments, naming the field', () => {
    for (const [field, bad] of [
      ['site', 'a/b'],
      ['line', '+'],
      ['cell', '#'],
      ['cell', ''],
      ['site', 'x'.repeat(65)],
    ] as const) {
      assert.throws(() => buildTopic({ ...ref, [field]: bad }, 'probe'), new RegExp(`topic ${field}`));
    }
  });

  const rejected: Array<[string, RegExp]> = [
    ['cellfleet/v1/plant-1/line_A/press-01', /6 levels/],
    ['other/v1/plant-1/line_A/press-01/probe', /root/],
    ['cellfleet/v2/plant-1/line_A/press-01/probe', /version "v2"/],
    ['cellfleet/v1/plant-1/line_A/press-01/shell', /unknown channel "shell"/],
    ['cellfleet/v1/plant 1/line_A/press-01/probe', /site may contain only/],
    ['cellfleet/v1/plant-1/+/press-01/probe', /line may contain only/],
    ['cellfleet/v1/plant-1/line_A/press-01/probe/extra', /7/],
  ];
  for (const [topic, reason] of rejected) {
    test(`parse rejects ${topic}`, () => {
      const parsed = parseTopic(topic);
      assert.equal(parsed.ok, false);
      if (!parsed.ok) assert.match(parsed.reason, reason);
    });
  }

  test('hub subscriptions cover every up channel, shared when a group is given', () => {
    assert.deepEqual(
      hubSubscriptions(),
      UP_CHANNELS.map((c) => `cellfleet/v1/+/+/+/${c}`),
    );
    assert.ok(hubSubscriptions('hub').every((f) => f.startsWith('$share/hub/cellfleet/v1/')));
  });

  test('agent subscribes to its own down channels only', () => {
    assert.deepEqual(agentSubscriptions(ref), [
      'cellfleet/v1/plant-1/line_A/press-01/ack',
      'cellfleet/v1/plant-1/line_A/press-01/cmd',
    ]);
  });
});

test('topicOf: every kind travels on its channel of the cell (birth and death on state, actions on cmd)', () => {
  for (const kind of Object.keys(MESSAGE_KINDS) as MessageKind[]) {
    const parsed = parseTopic(topicOf(ref, kind));
    assert.ok(parsed.ok, kind);
    assert.deepEqual(parsed.ref, ref);
    assert.equal(parsed.channel, MESSAGE_KINDS[kind].channel);
  }
  assert.equal(topicOf(ref, 'death'), buildTopic(ref, 'state'));
  assert.equal(topicOf(ref, 'action'), buildTopic(ref, 'cmd'));
});
