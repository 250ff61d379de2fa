import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BrowseDirection } from 'node-opcua';
import { startCell } from './cell.ts';
import { disposeClientCertificateManager, readValue, readValues, withSession } from './test-helpers.ts';
import type { RunningCell } from './types.ts';

after(disposeClientCertificateManager);

describe('ignition cell', () => {
  let cell: RunningCell;
  before(async () => {
    cell = await startCell({ kind: 'ignition', name: 'gw-line2' });
  });
  after(() => cell.stop());

  it('reports Ignition BuildInfo and the tags namespace as ns=1', async () => {
    await withSession(cell.endpointUrl, async (session) => {
      const [product, manufacturer, version, ns] = await readValues(session, [
        'i=2261',
        'i=2263',
        'i=2264',
        'i=2255',
      ]);
      assert.equal(product?.value.value, 'Ignition OPC UA Server');
      assert.equal(manufacturer?.value.value, 'Inductive Automation');
      assert.equal(version?.value.value, '8.1.44');
      assert.equal(
        (ns?.value.value as string[] | undefined)?.[1],
        'urn:inductiveautomation:ignition:opcua:tags',
      );
    });
  });

  it('serves device tags as ns=1;s=[Device]address and device diagnostics', async () => {
    await withSession(cell.endpointUrl, async (session) => {
      assert.equal(await readValue(session, 'ns=1;s=[PLC1]DB1.Speed'), 100);
      assert.equal(await readValue(session, 'ns=1;s=[PLC1]DB2.Mode'), 'Auto');
      assert.equal(await readValue(session, 'ns=1;s=[PLC1]Connected'), true);
      assert.equal(await readValue(session, 'ns=1;s=[PLC1]State'), 'Connected');
      assert.equal(await readValue(session, 'ns=1;s=[PLC1]Hostname'), '192.168.10.21');
      assert.equal(await readValue(session, 'ns=1;s=[PLC1]Port'), 102);
      assert.equal(await readValue(session, 'ns=1;s=[PLC2]HR100.SpeedSetpoint'), 50);
    });
  });

  it('nests devices under Objects/Devices/<name>', async () => {
    await withSession(cell.endpointUrl, async (session) => {
      const browse = async (nodeId: string) => {
        const r = await session.browse({
          nodeId,
          browseDirection: BrowseDirection.Forward,
          referenceTypeId: 'HierarchicalReferences',
          includeSubtypes: true,
          resultMask: 0x3f,
        });
        return (r.references ?? []).map((ref) => `${ref.browseName.name}=${ref.nodeId.value}`).sort();
      };
      assert.ok((await browse('i=85')).includes('Devices=Devices'));
      assert.deepEqual(await browse('ns=1;s=Devices'), ['PLC1=[PLC1]', 'PLC2=[PLC2]']);
      assert.ok((await browse('ns=1;s=[PLC1]')).includes('DB1=[PLC1]DB1'));
      assert.ok((await browse('ns=1;s=[PLC1]DB1')).includes('Speed=[PLC1]DB1.Speed'));
    });
  });

  it('shows the device down under device-not-communicating', async () => {
    await cell.setFaults(['device-not-communicating']);
    try {
      await withSession(cell.endpointUrl, async (session) => {
        assert.equal(await readValue(session, 'ns=1;s=[PLC1]Connected'), false);
        assert.equal(await readValue(session, 'ns=1;s=[PLC1]State'), 'Disconnected');
        const [speed] = await readValues(session, ['ns=1;s=[PLC1]DB1.Speed']);
        assert.equal(speed?.statusCode.name, 'BadNoCommunication');
      });
    } finally {
      await cell.setFaults([]);
    }
  });
});

describe('generic PLC cell', () => {
  let cell: RunningCell;
  before(async () => {
    cell = await startCell({ kind: 'generic', name: 'plc-07', parameters: { 'PLC.Recipe.Speed': 42 } });
  });
  after(() => cell.stop());

  it('reports its BuildInfo, namespace and parameters', async () => {
    await withSession(cell.endpointUrl, async (session) => {
      const [product, manufacturer, ns] = await readValues(session, ['i=2261', 'i=2263', 'i=2255']);
      assert.equal(product?.value.value, 'Generic PLC OPC UA Server');
      assert.equal(manufacturer?.value.value, 'Acme PLC');
      assert.equal((ns?.value.value as string[] | undefined)?.[2], 'urn:acme:plc');
      assert.equal(await readValue(session, 'ns=2;s=PLC.Recipe.Speed'), 42);
      assert.equal(await readValue(session, 'ns=2;s=PLC.Diagnostics.FieldbusOk'), true);
      assert.equal(typeof (await readValue(session, 'ns=2;s=PLC.Process.PartCount')), 'number');
    });
  });
});
