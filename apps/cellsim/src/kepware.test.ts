import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AttributeIds, BrowseDirection, DataType, StatusCodes } from 'node-opcua';
import { startCell } from './cell.ts';
import { disposeClientCertificateManager, readValue, readValues, withSession } from './test-helpers.ts';
import type { RunningCell } from './types.ts';

after(disposeClientCertificateManager);

describe('kepware cell', () => {
  let cell: RunningCell;
  before(async () => {
    cell = await startCell({
      kind: 'kepware',
      name: 'press-01',
      softwareVersion: '6.14.263',
      parameters: { 'Channel1.Device1.Recipe.Speed': 120, 'Channel1.Device1.Config.Mode': 'Manual' },
      omitTags: ['Channel1.Device1.Recipe.Pressure', 'Channel2'],
      cyclicReference: true,
    });
  });
  after(() => cell.stop());

  it('reports Kepware BuildInfo and the KEPServerEX namespace at ns=2', async () => {
    await withSession(cell.endpointUrl, async (session) => {
      const [product, manufacturer, version, build, ns] = await readValues(session, [
        'i=2261',
        'i=2263',
        'i=2264',
        'i=2265',
        'i=2255',
      ]);
      assert.equal(product?.value.value, 'KEPServerEX/UA Server');
      assert.equal(manufacturer?.value.value, 'PTC');
      assert.equal(version?.value.value, '6.14.263');
      assert.equal(build?.value.value, '6.14.263.216');
      assert.equal((ns?.value.value as string[] | undefined)?.[2], 'KEPServerEX');
    });
  });

  it('serves tags under dotted-path string NodeIds, with overrides and omissions', async () => {
    await withSession(cell.endpointUrl, async (session) => {
      assert.equal(await readValue(session, 'ns=2;s=Channel1.Device1.Recipe.Speed'), 120);
      assert.equal(await readValue(session, 'ns=2;s=Channel1.Device1.Recipe.Temperature'), 180.5);
      assert.equal(await readValue(session, 'ns=2;s=Channel1.Device1.Config.Mode'), 'Manual');
      assert.equal(await readValue(session, 'ns=2;s=Channel1.Device1.Config.Password'), 'plc-s3cret!');
      assert.equal(await readValue(session, 'ns=2;s=_System._ProductName'), 'KEPServerEX');
      assert.equal(await readValue(session, 'ns=2;s=_System._ProductVersion'), '6.14.263.216');
      assert.equal(await readValue(session, 'ns=2;s=_System._ProjectName'), 'press-01.opf');
      assert.equal(await readValue(session, 'ns=2;s=_System._ClientCount'), 1);
      assert.equal(await readValue(session, 'ns=2;s=Channel1.Device1._System._Error'), false);
      assert.equal(await readValue(session, 'ns=2;s=Channel1.Device1._System._NoError'), true);
      assert.equal(await readValue(session, 'ns=2;s=Channel1.Device1._System._Enabled'), true);
      const missing = await readValues(session, [
        'ns=2;s=Channel1.Device1.Recipe.Pressure',
        'ns=2;s=Channel2.Device1.Drive.SpeedSetpoint',
        'ns=2;s=Channel2',
      ]);
      for (const dv of missing) assert.equal(dv.statusCode.name, 'BadNodeIdUnknown');
    });
  });

  it('changes process values over time', async () => {
    await withSession(cell.endpointUrl, async (session) => {
      const ids = ['ns=2;s=Channel1.Device1.Process.ActualSpeed', 'ns=2;s=_System._DateTime'];
      const first = await readValues(session, ids);
      await sleep(250);
      const second = await readValues(session, ids);
      for (let i = 0; i < ids.length; i++)
        assert.notEqual(first[i]?.value.value, second[i]?.value.value, ids[i]);
    });
  });

  it('lets clients write parameters but not process values', async () => {
    await withSession(cell.endpointUrl, async (session) => {
      const speed = 'ns=2;s=Channel1.Device1.Recipe.Speed';
      const write = (nodeId: string, value: number) =>
        session.write({
          nodeId,
          attributeId: AttributeIds.Value,
          value: { value: { dataType: DataType.Double, value } },
        });
      assert.equal((await write(speed, 135)).name, 'Good');
      assert.equal(cell.readParameter('Channel1.Device1.Recipe.Speed'), 135);
      assert.equal(await readValue(session, speed), 135);
      const refused = await write('ns=2;s=Channel1.Device1.Process.ActualSpeed', 1);
      assert.equal(refused.name, 'BadNotWritable');
      cell.setParameter('Channel1.Device1.Recipe.Speed', '99.5');
      assert.equal(await readValue(session, speed), 99.5);
    });
  });

  it('browses folders, including the Organizes cycle back to the device', async () => {
    await withSession(cell.endpointUrl, async (session) => {
      const result = await session.browse({
        nodeId: 'ns=2;s=Channel1.Device1.Config',
        browseDirection: BrowseDirection.Forward,
        referenceTypeId: 'HierarchicalReferences',
        includeSubtypes: true,
        resultMask: 0x3f,
      });
      assert.equal(result.statusCode, StatusCodes.Good);
      const names = (result.references ?? []).map((r) => r.browseName.name);
      assert.deepEqual(names.sort(), ['Device1', 'IPAddress', 'Mode', 'Password', 'ScanRateMs']);
    });
  });

  it('rejects unknown parameters and badly typed values with a message naming them', () => {
    assert.throws(
      () => cell.setParameter('Channel1.Device1.Nope', 1),
      /unknown parameter tag: Channel1\.Device1\.Nope/,
    );
    assert.throws(
      () => cell.setParameter('Channel1.Device1.Recipe.CycleTimeMs', 'fast'),
      /Channel1\.Device1\.Recipe\.CycleTimeMs: expected a value of type Int32/,
    );
  });
});
