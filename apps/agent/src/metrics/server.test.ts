import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { agentRegistry, startAgentMetrics } from './server.ts';

test('the agent serves its metrics on loopback only, GET /metrics and nothing else', async () => {
  const notAfter = Date.now() + 20 * 86_400_000;
  const servers = new Map<string, number>();
  const registry = agentRegistry({
    outbox: () => ({ outboxDepth: 7, outboxBytes: 2048, oldestAgeMs: 30_000 }),
    link: () => ({ connects: 2, ackRttMs: 25, inFlight: 3 }),
    connected: () => true,
    extras: () => ({ agentCertNotAfter: notAfter }),
    serverCerts: () => servers,
  });
  const server = await startAgentMetrics(0, registry);
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /^cellfleet_agent_outbox_messages 7$/m);
    assert.match(text, /^cellfleet_agent_outbox_oldest_age_seconds 30$/m);
    assert.match(text, /^cellfleet_agent_connected 1$/m);
    assert.match(text, /^cellfleet_agent_connects 2$/m);
    assert.match(text, /^cellfleet_agent_ack_rtt_seconds 0\.025$/m);
    assert.match(
      text,
      new RegExp(`^cellfleet_agent_certificate_expiry_timestamp_seconds ${notAfter / 1000}$`, 'm'),
    );
    assert.doesNotMatch(text, /^cellfleet_agent_server_certificate_expiry/m, 'no server seen: no series');
    servers.set('kepware', 1_900_000_000_000);
    const later = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(
      later,
      /^cellfleet_agent_server_certificate_expiry_timestamp_seconds\{endpoint="kepware"\} 1900000000$/m,
    );
    assert.match(text, /^process_resident_memory_bytes \d+/m);
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(check.status, 0, `promtool check metrics: ${check.stdout}${check.stderr}`);
    assert.equal((await fetch(`${server.url}/`)).status, 404);
    assert.equal((await fetch(`${server.url}/metrics`, { method: 'POST' })).status, 404);
  } finally {
    await server.close();
  }
});
