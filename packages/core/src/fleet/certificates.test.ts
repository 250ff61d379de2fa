import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type CertificateSighting, certificateInventory, expiryForecast } from './certificates.ts';
import { certificateCsv } from './certificates-csv.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 5, 12);

const cert = (thumbprint: string, days: number, extra: { subject?: string; issuer?: string } = {}) => ({
  thumbprint,
  subject: extra.subject ?? `CN=${thumbprint.slice(0, 4)}`,
  ...(extra.issuer ? { issuer: extra.issuer } : {}),
  notBefore: NOW - 365 * DAY,
  notAfter: NOW + days * DAY,
});

const seen = (cell: string, role: CertificateSighting['role'], c: ReturnType<typeof cert>, seenAt = NOW) => ({
  cell,
  role,
  where: role === 'agent' ? 'agent' : 'kepware',
  seenAt,
  certificate: c,
});

describe('certificateInventory', () => {
  test('one row per thumbprint, every cell that uses it, soonest expiry first', () => {
    const shared = cert('a'.repeat(40), 200, { issuer: 'CN=Plant CA' });
    const rows = certificateInventory(
      [
        seen('p.l.c2', 'server', shared),
        seen('p.l.c1', 'server', shared),
        seen('p.l.c1', 'agent', cert('b'.repeat(40), 12)),
        seen('p.l.c3', 'client', cert('c'.repeat(40), -3)),
      ],
      NOW,
    );
    assert.deepEqual(
      rows.map((r) => [r.thumbprint[0], r.daysLeft, r.roles, r.uses.map((u) => u.cell)]),
      [
        ['c', -3, ['client'], ['p.l.c3']],
        ['b', 12, ['agent'], ['p.l.c1']],
        ['a', 200, ['server'], ['p.l.c1', 'p.l.c2']],
      ],
    );
    assert.equal(rows[2]!.issuer, 'CN=Plant CA');
    assert.equal(rows[1]!.issuer, null, 'no agent reported an issuer');
  });

  test('an issuer reported by one cell fills in for an older agent that did not send it', () => {
    const t = 'd'.repeat(40);
    const rows = certificateInventory(
      [
        seen('x.y.old', 'server', cert(t, 50), NOW),
        seen('x.y.new', 'server', cert(t, 50, { issuer: 'CN=CA' }), NOW - 1000),
      ],
      NOW,
    );
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.issuer, 'CN=CA');
  });
});

describe('expiryForecast', () => {
  const at = (days: number) => ({ notAfter: NOW + days * DAY });
  const cases: Array<[string, number[], [number, number, number, number]]> = [
    ['nothing', [], [0, 0, 0, 0]],
    ['cumulative buckets', [10, 45, 80, 200], [0, 1, 2, 3]],
    ['exactly 30 days is within 30', [30], [0, 1, 1, 1]],
    ['30 days and a minute is not', [30 + 1 / 1440], [0, 0, 1, 1]],
    ['expired apart from the buckets', [-1, 0, 5], [2, 1, 1, 1]],
  ];
  for (const [name, days, [expired, w30, w60, w90]] of cases)
    test(name, () => {
      const f = expiryForecast(days.map(at), NOW);
      assert.deepEqual(f, { expired, within30: w30, within60: w60, within90: w90, total: days.length });
    });
});

describe('certificateCsv', () => {
  test('quotes per RFC 4180 and neutralises formulas in server-supplied text', () => {
    const rows = certificateInventory(
      [
        seen(
          'p.l.c1',
          'server',
          cert('e'.repeat(40), 20, { subject: '=HYPERLINK("http://x","y")', issuer: 'CN=A, O="B"' }),
        ),
        seen('p.l.c2', 'server', cert('f'.repeat(40), 40, { subject: '@SUM(1)', issuer: '+cmd' })),
        seen('p.l.c3', 'server', cert('0'.repeat(40), 60, { subject: '-2+3', issuer: 'CN=ok' })),
      ],
      NOW,
    );
    const lines = certificateCsv(rows).split('\r\n');
    assert.equal(
      lines[0],
      'thumbprint,subject,issuer,application_uri,not_before,not_after,days_left,roles,cell_count,cells',
    );
    assert.ok(
      lines[1]!.startsWith(`${'e'.repeat(40)},"'=HYPERLINK(""http://x"",""y"")","CN=A, O=""B""",,`),
      lines[1],
    );
    assert.ok(lines[1]!.endsWith(',20,server,1,p.l.c1'), lines[1]);
    assert.ok(lines[2]!.includes(",'@SUM(1),'+cmd,"), lines[2]);
    assert.ok(lines[3]!.includes(",'-2+3,CN=ok,"), lines[3]);
    assert.equal(lines.at(-1), '', 'ends with CRLF');
    assert.equal(lines.length, 5);
  });
});
