import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startCell } from './cell.ts';
import {
  disposeClientCertificateManager,
  failure,
  makeClient,
  readValue,
  withSession,
} from './test-helpers.ts';
import type { RunningCell } from './types.ts';

after(disposeClientCertificateManager);

/** Raw TCP: 'refused', or the first bytes the port answers to an OPC UA Hello. */
function rawProbe(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let data = '';
    socket.on('connect', () => socket.write(Buffer.from('HELF\x20\x00\x00\x00', 'latin1')));
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    socket.on('close', () => resolve(data || 'closed'));
    socket.setTimeout(500, () => {
      socket.destroy();
      resolve(data || 'timeout');
    });
  });
}

async function connectError(url: string): Promise<string> {
  const client = await makeClient('none', { transportTimeout: 1000 });
  try {
    return await failure(client.connect(url));
  } finally {
    await client.disconnect();
  }
}

describe('network faults', () => {
  let cell: RunningCell;
  before(async () => {
    cell = await startCell({ kind: 'kepware', name: 'net-01' });
  });
  after(() => cell.stop());

  it('port-closed refuses connections and reopens the same port when cleared', async () => {
    await cell.setFaults(['port-closed']);
    assert.equal(await rawProbe(cell.port), 'ECONNREFUSED');
    assert.match(await connectError(cell.endpointUrl), /ECONNREFUSED/);
    await cell.setFaults([]);
    await withSession(cell.endpointUrl, async (session) => {
      assert.equal(await readValue(session, 'ns=2;s=Channel1.Device1.Recipe.Speed'), 100);
    });
  });

  it('not-opcua answers like an HTTP server', async () => {
    await cell.setFaults(['not-opcua']);
    assert.match(await rawProbe(cell.port), /^HTTP\/1\.1 400/);
    assert.match(await connectError(cell.endpointUrl), /ERROR in waiting for data/);
  });

  it('silent accepts and never answers: the Hello times out', async () => {
    await cell.setFaults(['silent']);
    assert.equal(await rawProbe(cell.port), 'timeout');
    assert.match(await connectError(cell.endpointUrl), /Timeout/);
  });

  it('drop-on-accept closes the socket right away', async () => {
    await cell.setFaults(['drop-on-accept']);
    assert.equal(await rawProbe(cell.port), 'closed');
    assert.match(await connectError(cell.endpointUrl), /disconnected by third party/);
  });

  it('the most basic network fault wins when several are set', async () => {
    await cell.setFaults(['not-opcua', 'port-closed']);
    assert.equal(await rawProbe(cell.port), 'ECONNREFUSED');
    await cell.setFaults([]);
    assert.equal(await rawProbe(cell.port), 'timeout'); // a real OPC UA server waits for a full Hello
  });

  it('a cell can start with its port closed, keeping its URL', async () => {
    const closed = await startCell({ kind: 'generic', name: 'plc-down', faults: ['port-closed'] });
    try {
      assert.equal(await rawProbe(closed.port), 'ECONNREFUSED');
      await closed.setFaults([]);
      await withSession(closed.endpointUrl, async (session) => {
        assert.equal(await readValue(session, 'ns=2;s=PLC.Recipe.Speed'), 100);
      });
    } finally {
      await closed.stop();
    }
  });
});
