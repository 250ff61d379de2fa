// Issue 17: no secret leaves the agent. A real agent process (debug logs, JSON log file) probes
// a strict-PKI Kepware cell with an endpoint user password over SecurityMode None (the password
// goes on the wire), as the plant's Ignition client with its private key (refused: a capture is
// kept and sent), and reads the emulated Kepware event log with a password from a file. Then
// every output is searched for the secrets (a line of the client's key, the user password, the
// event-log password, and the Basic header built from it): the agent's stdout/stderr and log
// file, the hub's debug log, every file under the agent's data folder (captures, outbox), every
// file of the hub (its database: every message it stored), and the hub's cell JSON, notebook and
// capture download.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type KepwareConfigApi, type RunningCell, startKepwareConfigApi } from '@cellfleet/cellsim';
import { tempDir, waitFor } from '@cellfleet/testkit';
import pino from 'pino';
import { parse, stringify } from 'yaml';
import { type AgentProcess, enrollAgent, spawnAgent, startTestHub, type TestHub } from './support/hub.ts';
import { ignitionClient, openIgnitionPki, startStrictKepware } from './support/plant-client.ts';

const USER_PASSWORD = 'Us3r-Pa55word-on-the-wire';
const LOG_PASSWORD = 'Ev3ntLog-Pa55word-from-file';
const dir = tempDir('clients-secrets');
let hub: TestHub;
let cell: RunningCell;
let api: KepwareConfigApi;
let agent: AgentProcess | undefined;
let keyLine = '';
let cellId = '';
let dataDir = '';
const logFile = join(dir, 'agent.log');
const hubLog: string[] = [];

before(async () => {
  hub = await startTestHub({
    logger: pino({ level: 'debug' }, { write: (line: string) => void hubLog.push(line) }),
  });
  cell = await startStrictKepware({ dir, name: 'press-sec' });

  api = await startKepwareConfigApi({ user: 'cellfleet', password: LOG_PASSWORD });
  api.rejected('Ignition Gateway', Date.now() - 3600_000);
  const enrolled = await enrollAgent(hub, {
    cell: 'press-sec',
    endpoints: [{ name: 'kepware', url: cell.endpointUrl }],
  });
  cellId = enrolled.id;
  dataDir = enrolled.dataDir;
  const ignition = await openIgnitionPki(dir);
  keyLine =
    readFileSync(ignition.privateKeyFile, 'utf8')
      .split('\n')
      .filter((l) => l.length > 40)[1] ?? '';
  const files = { certificate: ignition.certificateFile, privateKey: ignition.privateKeyFile };
  await ignition.dispose();
  writeFileSync(join(dir, 'kepware.pw'), `${LOG_PASSWORD}\n`, { mode: 0o600 });
  chmodSync(join(dir, 'kepware.pw'), 0o600);
  const config = parse(readFileSync(enrolled.configPath, 'utf8')) as Record<string, unknown>;
  config['endpoints'] = [
    {
      name: 'kepware',
      url: cell.endpointUrl,
      security: 'none',
      allowSecurityNone: true,
      trustOnFirstUse: true,
      user: 'operator',
      password: USER_PASSWORD,
      eventLog: {
        kind: 'kepware-config-api',
        url: api.url,
        user: 'cellfleet',
        passwordFile: join(dir, 'kepware.pw'),
      },
      clients: [ignitionClient({ url: cell.endpointUrl, ...files })],
    },
  ];
  config['logLevel'] = 'debug';
  config['log'] = { format: 'json', file: logFile };
  writeFileSync(enrolled.configPath, stringify(config), { mode: 0o600 });
  agent = spawnAgent(enrolled.configPath);
});
after(async () => {
  await agent?.kill();
  await api.close();
  await cell.stop();
  await hub.stop();
});

const authed = (path: string) =>
  fetch(`${hub.hub.httpUrl}${path}`, { headers: { authorization: `Bearer ${hub.token}` } });

/** Every file under a folder, as bytes (the agent's data folder: captures, outbox, ledger, PKI). */
function filesUnder(root: string): { path: string; bytes: Buffer }[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .map((rel) => join(root, rel))
    .filter((p) => statSync(p).isFile())
    .map((path) => ({ path, bytes: readFileSync(path) }));
}

test('no client key, user password or event-log password in any log, file, hub message or download', async () => {
  // The cell at the hub shows the refused client, from the client probe and the event log.
  const detail = await waitFor(
    'the refused Ignition client at the hub',
    async () => {
      const res = await authed(`/api/cells/${encodeURIComponent(cellId)}`);
      const text = res.ok ? await res.text() : '';
      return text.includes('ignition-gateway') && text.includes('client-cert-untrusted') ? text : undefined;
    },
    60_000,
  );
  assert.ok(
    api.requests.some((r) => r.authorized),
    'the event log was read with the password from the file',
  );
  const capture = await waitFor(
    "the client's capture at the hub",
    async () => {
      const res = await authed(
        `/api/cells/${encodeURIComponent(cellId)}/captures/kepware?client=ignition-gateway`,
      );
      return res.ok ? Buffer.from(await res.arrayBuffer()) : undefined;
    },
    30_000,
  );
  assert.ok(capture.length > 100);
  const notebook = await (await authed(`/api/cells/${encodeURIComponent(cellId)}/notebook`)).text();
  const proc = agent;
  assert.ok(proc);
  await proc.kill();
  agent = undefined;
  const stdout = proc.output();
  assert.ok(stdout.length > 0, 'the agent wrote to stdout/stderr');
  assert.ok(existsSync(logFile) && statSync(logFile).size > 0, 'the agent wrote its log file');
  assert.ok(hubLog.length > 0, 'the hub logged');

  const basic = Buffer.from(`cellfleet:${LOG_PASSWORD}`).toString('base64');
  const secrets: [string, string][] = [
    ["a line of the Ignition client's private key", keyLine],
    ['the endpoint user password', USER_PASSWORD],
    ['the event-log password', LOG_PASSWORD],
    ['the event-log Basic header', basic],
  ];
  assert.ok(keyLine.length > 40, 'the key has a body line to look for');
  const outputs: { what: string; bytes: Buffer }[] = [
    { what: "the agent's stdout/stderr", bytes: Buffer.from(stdout) },
    { what: 'the hub cell JSON', bytes: Buffer.from(detail) },
    { what: 'the hub notebook', bytes: Buffer.from(notebook) },
    { what: 'the capture downloaded from the hub', bytes: capture },
    ...filesUnder(dataDir).map((f) => ({ what: `agent file ${f.path}`, bytes: f.bytes })),
    ...filesUnder(hub.dir).map((f) => ({ what: `hub file ${f.path}`, bytes: f.bytes })),
    { what: 'the agent log file', bytes: readFileSync(logFile) },
    { what: "the hub's log (debug)", bytes: Buffer.from(hubLog.join('')) },
  ];
  assert.ok(
    outputs.some((o) => o.what.endsWith('.pcapng')),
    `the agent kept a capture file: ${outputs.map((o) => o.what).join(', ')}`,
  );
  assert.ok(
    outputs.some((o) => /hub file .*hub\.db/.test(o.what)),
    'the hub database (every stored message) is searched',
  );
  // The search can find what is there: what the agent reported is readable in the hub's files.
  const hubFiles = outputs.filter((o) => o.what.startsWith('hub file'));
  for (const shown of ['client-cert-untrusted', 'serverRejectedEvents', 'Ignition Gateway'])
    assert.ok(
      hubFiles.some((o) => o.bytes.includes(Buffer.from(shown))),
      `"${shown}" is in the hub's files`,
    );
  for (const o of outputs)
    for (const [name, secret] of secrets)
      assert.ok(!o.bytes.includes(Buffer.from(secret, 'utf8')), `${name} is in ${o.what}`);
});
