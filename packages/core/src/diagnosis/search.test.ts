// Search the way a tech types: table-driven over what a cell is and what the tech types.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchesSearch, type SearchSubject, searchTerms, termsInLine } from './search.ts';

const KEP_PORT_CLOSED: SearchSubject = {
  vendor: 'kepware',
  product: 'kepserverex',
  buildInfo: { productName: 'KEPServerEX/UA Server', manufacturerName: 'PTC', softwareVersion: '6.16.1' },
  codes: ['port-closed'],
};
const WINCC_UNTRUSTED: SearchSubject = {
  vendor: 'siemens',
  product: 'wincc-unified',
  codes: ['client-cert-untrusted'],
};
const FTLG_ANON: SearchSubject = {
  vendor: 'rockwell',
  product: 'FactoryTalk Linx Gateway',
  codes: ['anonymous-disabled'],
};
const OK_GENERIC: SearchSubject = { vendor: 'generic', codes: ['ok'] };

const CASES: [string, SearchSubject, string, boolean][] = [
  ['vendor name', KEP_PORT_CLOSED, 'Kepware', true],
  ['product line', WINCC_UNTRUSTED, 'wincc unified', true],
  ['product line by id', WINCC_UNTRUSTED, 'wincc-unified', true],
  ['server version', KEP_PORT_CLOSED, '6.16', true],
  [
    'Milo spelling of the status a port-closed cell shows in Ignition',
    KEP_PORT_CLOSED,
    'Bad_ConnectionRejected',
    true,
  ],
  ['the same status without the underscore', KEP_PORT_CLOSED, 'BadConnectionRejected', true],
  ['its hex code', KEP_PORT_CLOSED, '0x80AC0000', true],
  ['its hex code, lower case without 0x', KEP_PORT_CLOSED, '80ac0000', true],
  ['BadSecurityChecksFailed for an untrusted agent', WINCC_UNTRUSTED, 'BadSecurityChecksFailed', true],
  ['0x80130000 for an untrusted agent', WINCC_UNTRUSTED, '0x80130000', true],
  ['a FactoryTalk connector text', FTLG_ANON, 'Disconnected with server', true],
  ['the diagnosis code', FTLG_ANON, 'anonymous-disabled', true],
  ['two words, both must match', KEP_PORT_CLOSED, 'kepware 6.16', true],
  ['two words, one does not match', KEP_PORT_CLOSED, 'kepware 8.3', false],
  ['a status the cell does not show', WINCC_UNTRUSTED, 'Bad_ConnectionRejected', false],
  ['another vendor', KEP_PORT_CLOSED, 'WinCC', false],
  ['a healthy generic cell is not found by a fault status', OK_GENERIC, 'BadSecurityChecksFailed', false],
  ['an empty query finds nothing', KEP_PORT_CLOSED, '  ', false],
];

for (const [name, subject, query, expected] of CASES) {
  test(`search: ${name} (${query})`, () => {
    assert.equal(matchesSearch(searchTerms(subject), query), expected, searchTerms(subject).join(' | '));
  });
}

test('a line yields both spellings, the hex code and quoted HMI texts', () => {
  assert.deepEqual(
    termsInLine('Ignition (Milo): Bad_SecurityChecksFailed; connector: "Disconnected with server"'),
    ['BadSecurityChecksFailed', 'Bad_SecurityChecksFailed', '0x80130000', 'Disconnected with server'],
  );
});
