// What the agent reads from a certificate for its probe reports: a CA-signed leaf made by
// openssl, as a site's CA would sign a server's, so subject and issuer differ.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readCertificateInfo } from './certificate-info.ts';

const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });

test('readCertificateInfo names the issuer apart from the subject', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cert-info-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const f = (name: string) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.crt'),
    '-days',
    '2',
    '-subj',
    '/CN=Plant CA/O=Acme',
  ]);
  openssl(['req', ...ec, '-keyout', f('leaf.key'), '-out', f('leaf.csr'), '-subj', '/CN=press-01']);
  openssl([
    ...['x509', '-req', '-in', f('leaf.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key')],
    ...['-CAcreateserial', '-out', f('leaf.crt'), '-days', '1'],
  ]);
  const leaf = readCertificateInfo(readFileSync(f('leaf.crt')));
  assert.equal(leaf.subject, 'CN=press-01');
  assert.equal(leaf.issuer, 'CN=Plant CA, O=Acme');
  const ca = readCertificateInfo(readFileSync(f('ca.crt')));
  assert.equal(ca.issuer, ca.subject, 'self-signed: issuer is the subject');
  assert.match(leaf.thumbprint, /^[0-9a-f]{40}$/);
});
