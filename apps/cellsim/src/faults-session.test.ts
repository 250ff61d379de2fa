import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AttributeIds, DataType, ServerState } from 'node-opcua';
import { startCell } from './cell.ts';
import {
  disposeClientCertificateManager,
  failure,
  makeClient,
  readValue,
  readValues,
  withSession,
} from './test-helpers.ts';
import type { RunningCell } from './types.ts';

after(disposeClientCertificateManager);

const D1 = 'ns=2;s=Channel1.Device1';

describe('session and data faults', () => {
  let cell: RunningCell;
  before(async () => {
    cell = await startCell({ kind: 'kepware', name: 'data-01', clockSkewMs: 20 * 60 * 1000 });
  });
  after(() => cell.stop());

  it('session-limit answers CreateSession with BadTooManySessions, and reports the limit', async () => {
    await cell.setFaults(['session-limit']);
    const client = await makeClient();
    await client.connect(cell.endpointUrl);
    try {
      assert.match(await failure(client.createSession()), /BadTooManySessions/);
    } finally {
      await client.disconnect();
    }
    await cell.setFaults([]);
    await withSession(cell.endpointUrl, async (session) => {
      // MaxSessions (i=24095) back to the default, CurrentSessionCount (i=2277) is just us
      const [max, current] = await readValues(session, ['i=24095', 'i=2277']);
      assert.ok(Number(max?.value.value) > 1);
      assert.equal(current?.value.value, 1);
    });
  });

  it('session-limit keeps sessions that are already open', async () => {
    await withSession(cell.endpointUrl, async (session) => {
      await cell.setFaults(['session-limit']);
      const [max, current] = await readValues(session, ['i=24095', 'i=2277']);
      assert.equal(max?.value.value, 1);
      assert.equal(current?.value.value, 2);
      await cell.setFaults([]);
    });
  });

  it('clock-skew moves ServerStatus.CurrentTime and the response timestamps', async () => {
    await cell.setFaults(['clock-skew']);
    await withSession(cell.endpointUrl, async (session, client) => {
      const stamps: (Date | null)[] = [];
      client.on('receive_response', (response) => stamps.push(response.responseHeader.timestamp));
      const [time, status] = await readValues(session, ['i=2258', 'i=2256']);
      const skew = (time!.value.value as Date).getTime() - Date.now();
      assert.ok(Math.abs(skew - 20 * 60 * 1000) < 5000, `skew ${skew}`);
      const statusTime = (status!.value.value as { currentTime: Date }).currentTime.getTime();
      assert.ok(Math.abs(statusTime - Date.now() - 20 * 60 * 1000) < 5000);
      const kepwareClock = new Date(`${await readValue(session, 'ns=2;s=_System._DateTime')}Z`);
      assert.ok(Math.abs(kepwareClock.getTime() - Date.now() - 20 * 60 * 1000) < 5000);
      assert.ok(stamps.length > 0);
      for (const t of stamps) assert.ok(t && Math.abs(t.getTime() - Date.now() - 20 * 60 * 1000) < 5000);
    });
    await cell.setFaults([]);
    await withSession(cell.endpointUrl, async (session) => {
      const time = (await readValue(session, 'i=2258')) as Date;
      assert.ok(Math.abs(time.getTime() - Date.now()) < 5000);
    });
  });

  it('server-busy reports ServerStatus.State Suspended', async () => {
    await cell.setFaults(['server-busy']);
    await withSession(cell.endpointUrl, async (session) => {
      assert.equal(await readValue(session, 'i=2259'), ServerState.Suspended);
    });
    await cell.setFaults([]);
    await withSession(cell.endpointUrl, async (session) => {
      assert.equal(await readValue(session, 'i=2259'), ServerState.Running);
    });
  });

  it('device-not-communicating makes device tags Bad and raises Kepware _System._Error', async () => {
    await cell.setFaults(['device-not-communicating']);
    await withSession(cell.endpointUrl, async (session) => {
      const [speed, count, error, noError, product] = await readValues(session, [
        `${D1}.Recipe.Speed`,
        `${D1}.Counters.PartCount`,
        `${D1}._System._Error`,
        `${D1}._System._NoError`,
        'ns=2;s=_System._ProductName',
      ]);
      assert.equal(speed?.statusCode.name, 'BadNoCommunication');
      assert.equal(count?.statusCode.name, 'BadNoCommunication');
      assert.equal(error?.value.value, true);
      assert.equal(noError?.value.value, false);
      assert.equal(product?.value.value, 'KEPServerEX');
    });
    await cell.setFaults([]);
  });

  it('message-too-large fails the big read with BadTcpMessageTooLarge, small reads still work', async () => {
    await cell.setFaults(['message-too-large']);
    await withSession(cell.endpointUrl, async (session) => {
      assert.equal(await readValue(session, `${D1}.Recipe.Speed`), 100);
      assert.match(await failure(readValue(session, `${D1}.Recipe.Profile`)), /BadTcpMessageTooLarge/);
    });
    await cell.setFaults([]);
    await withSession(cell.endpointUrl, async (session) => {
      assert.equal(((await readValue(session, `${D1}.Recipe.Profile`)) as Float32Array).length, 16);
    });
  });

  it('write-refused refuses parameter writes with BadUserAccessDenied', async () => {
    await cell.setFaults(['write-refused']);
    await withSession(cell.endpointUrl, async (session) => {
      const status = await session.write({
        nodeId: `${D1}.Recipe.Speed`,
        attributeId: AttributeIds.Value,
        value: { value: { dataType: DataType.Double, value: 140 } },
      });
      assert.equal(status.name, 'BadUserAccessDenied');
      assert.equal(cell.readParameter('Channel1.Device1.Recipe.Speed'), 100);
    });
    await cell.setFaults([]);
  });

  it('write-altered reports Good but stores a different value', async () => {
    await cell.setFaults(['write-altered']);
    await withSession(cell.endpointUrl, async (session) => {
      const write = (path: string, dataType: DataType, value: unknown) =>
        session.write({
          nodeId: `${D1}.${path}`,
          attributeId: AttributeIds.Value,
          value: { value: { dataType, value } },
        });
      assert.equal((await write('Recipe.Speed', DataType.Double, 140)).name, 'Good');
      assert.equal((await write('Config.Mode', DataType.String, 'Manual')).name, 'Good');
      assert.equal(cell.readParameter('Channel1.Device1.Recipe.Speed'), 141);
      assert.equal(await readValue(session, `${D1}.Config.Mode`), 'Manual~');
    });
    await cell.setFaults([]);
  });
});
