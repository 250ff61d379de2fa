// The platform cells of issue 13 (FactoryTalk Linx Gateway, AVEVA OI Server, WinCC Unified,
// WinCC OA, iFIX/Proficy): endpoint path and advertised URL, BuildInfo, session limit, and the
// health items a device outage flips, with the SourceTimestamp that dates it.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startCell } from './cell.ts';
import { disposeClientCertificateManager, readValues, withSession } from './test-helpers.ts';
import type { CellKind } from './types.ts';

after(disposeClientCertificateManager);

interface Case {
  readonly kind: CellKind;
  readonly path: string;
  readonly manufacturer: string;
  readonly maxSessions?: number;
  /** A health item: node id, value when up, value when the device is down. */
  readonly health: readonly [string, unknown, unknown];
}

const CASES: readonly Case[] = [
  {
    kind: 'factorytalk',
    path: '/FactoryTalkLinxGateway1',
    manufacturer: 'Rockwell Automation',
    // no documented health item: the shortcut's tags go Bad instead (checked below)
    health: ['ns=2;s=[PLC1]Recipe.Speed', 100, undefined],
  },
  { kind: 'aveva', path: '', manufacturer: 'AVEVA', health: ['ns=2;s=ABCIP.PLC1.$SYS$Status', true, false] },
  {
    kind: 'wincc-unified',
    path: '',
    manufacturer: 'Siemens AG',
    maxSessions: 100,
    health: ['ns=2;s=HMI_Connection_1.Recipe_Speed', 100, undefined],
  },
  {
    kind: 'wincc-oa',
    path: '',
    manufacturer: 'ETM professional control GmbH',
    maxSessions: 50,
    health: ['ns=2;s=PLC1.Common.State.ConnState', 256, 1],
  },
  {
    kind: 'proficy',
    path: '',
    manufacturer: 'GE Vernova',
    health: ['ns=2;s=SCADA1.HIST_STATUS.A_CV', 'Running', 'Stopped'],
  },
];

for (const c of CASES) {
  describe(`${c.kind} cell`, () => {
    it('serves its endpoint path, BuildInfo and session limit; a device outage flips its health item', async () => {
      const cell = await startCell({ kind: c.kind, name: `${c.kind}-t` });
      try {
        assert.ok(cell.endpointUrl.endsWith(`:${cell.port}${c.path}`), cell.endpointUrl);
        await withSession(cell.endpointUrl, async (session, client) => {
          const endpoints = await client.getEndpoints();
          assert.ok(endpoints.length > 0 && endpoints.every((e) => e.endpointUrl === cell.endpointUrl));
          const [manufacturer, maxSessions, up] = await readValues(session, [
            'i=2263',
            'i=24095',
            c.health[0],
          ]);
          assert.equal(manufacturer?.value.value, c.manufacturer);
          if (c.maxSessions) assert.equal(maxSessions?.value.value, c.maxSessions);
          assert.equal(up?.value.value, c.health[1]);
        });
        const before = Date.now();
        await cell.setFaults(['device-not-communicating']);
        await withSession(cell.endpointUrl, async (session) => {
          const [down] = await readValues(session, [c.health[0]]);
          if (c.health[2] === undefined) {
            assert.equal(down?.statusCode.name, 'BadNoCommunication');
          } else {
            assert.equal(down?.value.value, c.health[2]);
            const ts = down?.sourceTimestamp?.getTime() ?? 0;
            // dated when the device went down (the iFIX heartbeat: ten minutes before, as if dead then)
            assert.ok(
              c.kind === 'proficy' ? ts < before - 9 * 60_000 : ts >= before - 1000,
              `timestamp ${ts}`,
            );
          }
        });
      } finally {
        await cell.stop();
      }
    });
  });
}

describe('FactoryTalk Linx Gateway cell', () => {
  it('presents the certificate URI with unencoded spaces that Milo clients refuse', async () => {
    const cell = await startCell({ kind: 'factorytalk', name: 'ftlg-uri' });
    try {
      const { X509Certificate } = await import('node:crypto');
      const cert = new X509Certificate(cell.serverCertificate());
      assert.match(cert.subjectAltName ?? '', /URI:urn:ftlg-uri:FactoryTalk Linx Gateway OPC UA Server/);
    } finally {
      await cell.stop();
    }
  });
});
