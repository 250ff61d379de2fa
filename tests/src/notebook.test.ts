// Issue 3, fleet side: a fault injected into a live cell opens a notebook entry at the hub, its
// recovery puts it under watch, and the Markdown export tells the story. The endpoint's
// password appears nowhere: not in the API, the export, nor the hub's database file.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { type RunningCell, startCell } from '@cellfleet/cellsim';
import type { CellDetail } from '@cellfleet/protocol';
import { waitFor } from '@cellfleet/testkit';
import { type AgentProcess, enrollAgent, spawnAgent, startTestHub, type TestHub } from './support/hub.ts';

const PASSWORD = 'Sup3r-s3cret-pa55word';
let hub: TestHub;
let cell: RunningCell;
let agent: AgentProcess;
let id: string;

before(async () => {
  hub = await startTestHub();
  cell = await startCell({ kind: 'kepware', name: 'press-09', users: { operator: PASSWORD } });
  const a = await enrollAgent(hub, {
    cell: 'press-09',
    probeIntervalMs: 1500,
    endpoints: [{ name: 'kepware', url: cell.endpointUrl }],
    trustServers: [cell.serverCertificate()],
  });
  // The user and password go into this agent's endpoint config.
  const { readFileSync: read, writeFileSync } = await import('node:fs');
  const yaml = read(a.configPath, 'utf8').replace(
    `url: ${cell.endpointUrl}`,
    `url: ${cell.endpointUrl}\n    user: operator\n    password: ${PASSWORD}`,
  );
  writeFileSync(a.configPath, yaml);
  id = a.id;
  agent = spawnAgent(a.configPath);
});
after(async () => {
  await agent.kill('SIGKILL');
  await hub.stop();
  await cell.stop();
});

interface Notebook {
  entries: Array<{ status: string; codes: string[]; events: Array<{ kind: string }> }>;
}

describe('fault-history notebook', () => {
  test('a fault and its recovery make one entry, exported as Markdown, with no password anywhere', async () => {
    await waitFor('first ok probe', async () =>
      (await hub.get<CellDetail>(`/api/cells/${id}`)).lastProbe?.ok ? true : undefined,
    );
    await cell.setFaults(['port-closed']);
    await waitFor('entry opened', async () => {
      const n = await hub.get<Notebook>(`/api/cells/${id}/notebook`);
      return n.entries[0]?.status === 'open' && n.entries[0].codes.includes('port-closed') ? true : undefined;
    });
    await cell.setFaults([]);
    const n = await waitFor('entry under watch', async () => {
      const nb = await hub.get<Notebook>(`/api/cells/${id}/notebook`);
      return nb.entries[0]?.status === 'watching' ? nb : undefined;
    });
    assert.equal(n.entries.length, 1);
    assert.deepEqual(
      n.entries[0]?.events.map((e) => e.kind),
      ['opened', 'recovered'],
    );

    const res = await fetch(`${hub.hub.httpUrl}/api/cells/${id}/notebook?format=md`, {
      headers: { authorization: `Bearer ${hub.token}` },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/markdown/);
    const md = await res.text();
    assert.match(md, /# Fault history of plant1\.lineA\.press-09/);
    assert.match(md, /kepware: port-closed \(recovered, under watch\)/);

    const detail = JSON.stringify(await hub.get(`/api/cells/${id}`));
    await hub.hub.ingest.flush();
    const db =
      readFileSync(hub.dbPath).toString('latin1') + readFileSync(`${hub.dbPath}-wal`).toString('latin1');
    for (const [where, text] of [
      ['notebook', md],
      ['cell detail', detail],
      ['hub database', db],
      ['agent output', agent.output()],
    ]) {
      assert.ok(!text!.includes(PASSWORD), `the password leaked into the ${where}`);
    }
    assert.ok(detail.includes('"ok":true'), 'the detail really holds probe results');
  });
});
