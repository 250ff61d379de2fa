import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daysLeftText, expiryClass, fromTo, shortThumbprint } from './fleet-pages.ts';

test('expiry badges: expired, within 30, within 90, later', () => {
  const cases: Array<[number, string, string]> = [
    [-3, 's-offline', 'expired 3 d ago'],
    [0, 's-fault', 'expires today'],
    [30, 's-fault', '30 d left'],
    [31, 's-warning', '31 d left'],
    [90, 's-warning', '90 d left'],
    [91, 's-ok', '91 d left'],
  ];
  for (const [days, cls, text] of cases) {
    assert.equal(expiryClass(days), cls, String(days));
    assert.equal(daysLeftText(days), text);
  }
});

test('thumbprints shortened as vendors print them; versions left as they are', () => {
  const t = '0123456789abcdef0123456789abcdef01234567';
  assert.equal(shortThumbprint(t), '01:23:45:67…45:67');
  assert.equal(shortThumbprint('abcd'), 'AB:CD');
  assert.equal(fromTo(t, undefined), '01:23:45:67…45:67 → —');
  assert.equal(fromTo('6.16', '6.17'), '6.16 → 6.17');
});
