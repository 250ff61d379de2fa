// Issue 15, "done means": Debian's real Prometheus scrapes a running hub with a metrics-role
// token, the exposition passes `promtool check metrics`, and a shipped rule fires (the hub
// learned from an agent's health report that a certificate expires in 12 days).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, removeDir, tempDir, waitFor } from '@cellfleet/testkit';
import { birth, deliver, enrollQuiet, probe } from './support/fleet-messages.ts';
import { startTestHub, type TestHub } from './support/hub.ts';

const RULES = new URL('../../deploy/prometheus/cellfleet.rules.yml', import.meta.url).pathname;
const CELL = 'plant1.lineA.press-01';
const OTHER = 'plant1.lineA.press-02';
const DAY = 86_400_000;

let t: TestHub;
let dir: string;
let metricsToken: string;
let prometheus: ChildProcess | undefined;

before(async () => {
  t = await startTestHub();
  dir = tempDir('prometheus');
  metricsToken = (await t.hub.services.auth.addUser('test', 'prometheus', 'metrics')).token;
  await enrollQuiet(t.hub, CELL, 'presses');
  await enrollQuiet(t.hub, OTHER, 'presses');
  await deliver(t.hub, CELL, 'birth', birth(CELL, 'presses'), 1);
  await deliver(t.hub, CELL, 'probe', probe(false, Date.now()), 2);
  await deliver(
    t.hub,
    CELL,
    'health',
    {
      outboxDepth: 3,
      outboxBytes: 900,
      oldestAgeMs: 4000,
      droppedForSize: 0,
      droppedForAge: 0,
      ackRttMs: 12.5,
      agentCertNotAfter: Date.now() + 12 * DAY,
      serverCertNotAfter: Date.now() + 400 * DAY,
    },
    3,
  );
});

after(async () => {
  if (prometheus && prometheus.exitCode === null) {
    const exited = new Promise((r) => prometheus?.once('exit', r));
    prometheus.kill('SIGTERM');
    await exited;
  }
  await t.stop();
  removeDir(dir);
});

const scrape = (token?: string) =>
  fetch(`${t.hub.httpUrl}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

test('/metrics needs a token: none → 401; the metrics role may read it but nothing else', async () => {
  assert.equal((await scrape()).status, 401);
  assert.equal((await scrape('cft.not-a-token')).status, 401);
  const res = await scrape(metricsToken);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const cells = await fetch(`${t.hub.httpUrl}/api/cells`, {
    headers: { authorization: `Bearer ${metricsToken}` },
  });
  assert.equal(cells.status, 403, 'a metrics token reads no fleet data through the API');
});

test('the exposition shows the fleet and passes promtool check metrics', async () => {
  const text = await (await scrape(t.token)).text();
  assert.match(text, /cellfleet_cells\{site="plant1",line="lineA",group="presses",state="faulted"\} 1/);
  assert.match(text, /cellfleet_cells\{site="plant1",line="lineA",group="presses",state="offline"\} 1/);
  assert.match(
    text,
    /cellfleet_cell_faults\{site="plant1",line="lineA",group="presses",code="port-closed"\} 1/,
  );
  assert.match(text, /cellfleet_agent_outbox_messages\{site="plant1",line="lineA",group="presses"\} 3/);
  assert.match(
    text,
    /cellfleet_certificate_expiry_timestamp_seconds\{cell="plant1.lineA.press-01",[^}]*kind="agent"\} \d{10}/,
  );
  assert.match(text, /cellfleet_ingest_messages_stored_total 3/);
  assert.match(text, /cellfleet_probe_step_duration_seconds_bucket\{le="0.05",step="tcp"\} 1/);
  assert.match(text, /cellfleet_agent_ack_rtt_seconds_count 1/);
  assert.match(text, /process_resident_memory_bytes \d+/);
  const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.equal(check.status, 0, `promtool check metrics: ${check.stdout}${check.stderr}`);
});

test("Debian's Prometheus scrapes the hub with the metrics token and a shipped rule fires", async () => {
  const port = await freePort();
  writeFileSync(join(dir, 'token'), metricsToken);
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global: { scrape_interval: 1s, evaluation_interval: 1s }
rule_files: ['${RULES}']
scrape_configs:
  - job_name: cellfleet-hub
    authorization: { type: Bearer, credentials_file: '${join(dir, 'token')}' }
    static_configs: [{ targets: ['${new URL(t.hub.httpUrl).host}'] }]
`,
  );
  let out = '';
  prometheus = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  prometheus.stderr?.on('data', (d) => (out += d));
  const api = async <T>(path: string) =>
    ((await (await fetch(`http://127.0.0.1:${port}${path}`)).json()) as { data: T }).data;
  const target = await waitFor(
    'a successful scrape',
    async () => {
      const d = await api<{ activeTargets: Array<{ health: string; lastError: string }> }>('/api/v1/targets');
      const h = d.activeTargets[0];
      return h?.health === 'up' ? h : undefined;
    },
    60_000,
  ).catch((err: Error) => assert.fail(`${err.message}\n${out.slice(-2000)}`));
  assert.equal(target.lastError, '');
  const alert = await waitFor(
    'CellfleetCertificateExpiring to fire',
    async () => {
      const d = await api<{ alerts: Array<{ labels: Record<string, string>; state: string }> }>(
        '/api/v1/alerts',
      );
      return d.alerts.find(
        (a) => a.labels['alertname'] === 'CellfleetCertificateExpiring' && a.state === 'firing',
      );
    },
    60_000,
  );
  assert.equal(alert.labels['cell'], CELL);
  assert.equal(alert.labels['kind'], 'agent', 'the server certificate (400 days) does not fire');
  const up = await api<{ result: Array<{ value: [number, string] }> }>(
    '/api/v1/query?query=cellfleet_agents_connected',
  );
  assert.equal(up.result[0]?.value[1], '1');
});
