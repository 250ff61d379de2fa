import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type EndpointDescription, MessageSecurityMode, UserTokenType } from 'node-opcua';
import { startCell } from './cell.ts';
import { routeLibraryLogs } from './library-logs.ts';
import {
  disposeClientCertificateManager,
  failure,
  makeClient,
  readValue,
  withSession,
} from './test-helpers.ts';
import type { RunningCell } from './types.ts';

after(disposeClientCertificateManager);

async function endpoints(url: string): Promise<EndpointDescription[]> {
  const client = await makeClient();
  await client.connect(url);
  try {
    return await client.getEndpoints();
  } finally {
    await client.disconnect();
  }
}

const policy = (e: EndpointDescription): string => e.securityPolicyUri?.split('#')[1] ?? '';
/** The SubjectAltName URI of a certificate (node:crypto lists SAN entries as "URI:…, DNS:…"). */
const sanUri = (der: Buffer): string | undefined =>
  /(?:^|, )URI:([^,]+)/.exec(new X509Certificate(der).subjectAltName ?? '')?.[1];
const SPEED = 'ns=2;s=Channel1.Device1.Recipe.Speed';

describe('security faults', () => {
  let cell: RunningCell;
  before(async () => {
    cell = await startCell({ kind: 'kepware', name: 'sec-01' });
  });
  after(() => cell.stop());

  it('offers None and Basic256Sha256/Aes128 Sign and SignAndEncrypt, anonymous allowed, by default', async () => {
    const eps = await endpoints(cell.endpointUrl);
    const pairs = eps.map((e) => `${MessageSecurityMode[e.securityMode]}/${policy(e)}`).sort();
    assert.deepEqual(pairs, [
      'None/None',
      'Sign/Aes128_Sha256_RsaOaep',
      'Sign/Basic256Sha256',
      'SignAndEncrypt/Aes128_Sha256_RsaOaep',
      'SignAndEncrypt/Basic256Sha256',
    ]);
    for (const e of eps) {
      assert.equal(e.endpointUrl, cell.endpointUrl);
      assert.ok(e.userIdentityTokens?.some((t) => t.tokenType === UserTokenType.Anonymous));
    }
  });

  it('keeps user token policy ids stable across fault switches', async () => {
    const ids = async () =>
      (await endpoints(cell.endpointUrl)).flatMap((e) => (e.userIdentityTokens ?? []).map((t) => t.policyId));
    const before = await ids();
    await cell.setFaults(['clock-skew']);
    assert.deepEqual(await ids(), before);
    await cell.setFaults([]);
  });

  it('strict-pki rejects an unknown client certificate with BadSecurityChecksFailed until trusted', async () => {
    // the client has connected securely before: lab mode trusted it; strict mode forgets that
    assert.equal(await withSession(cell.endpointUrl, (s) => readValue(s, SPEED), 'encrypt'), 100);
    await cell.setFaults(['strict-pki']);
    const client = await makeClient('encrypt');
    // The server's own warning about the refused certificate goes where routeLibraryLogs says.
    const serverLines: string[] = [];
    routeLibraryLogs((line) => serverLines.push(line));
    try {
      assert.match(await failure(client.connect(cell.endpointUrl)), /BadSecurityChecksFailed/);
    } finally {
      routeLibraryLogs((line) => process.stderr.write(`${line}\n`));
    }
    assert.ok(
      serverLines.some((l) => /Certificate/i.test(l)),
      `the refusal was logged to the sink: ${JSON.stringify(serverLines)}`,
    );
    const der = client.getCertificate();
    await client.disconnect();
    // discovery and None sessions still work (research §2.3 B8)
    assert.equal(await withSession(cell.endpointUrl, (s) => readValue(s, SPEED)), 100);
    const rejected = await cell.rejectedClientCertificates();
    assert.ok(
      rejected.some((r) => r.equals(der)),
      'client certificate is in rejected/',
    );
    await cell.trustClientCertificate(der);
    assert.equal(await withSession(cell.endpointUrl, (s) => readValue(s, SPEED), 'sign'), 100);
    await cell.setFaults([]);
  });

  it('strict-pki from the start trusts trustedClientCertificates', async () => {
    const probe = await makeClient('encrypt');
    await probe.connect(cell.endpointUrl); // lab mode: creates and accepts the client certificate
    const der = probe.getCertificate();
    await probe.disconnect();
    const strictCell = await startCell({
      kind: 'generic',
      name: 'strict-02',
      faults: ['strict-pki'],
      trustedClientCertificates: [der],
    });
    try {
      const value = await withSession(
        strictCell.endpointUrl,
        (s) => readValue(s, 'ns=2;s=PLC.Recipe.Speed'),
        'encrypt',
      );
      assert.equal(value, 100);
      assert.deepEqual(await strictCell.rejectedClientCertificates(), []);
    } finally {
      await strictCell.stop();
    }
  });

  it('security-none-only advertises only None endpoints', async () => {
    await cell.setFaults(['security-none-only']);
    const eps = await endpoints(cell.endpointUrl);
    assert.ok(eps.length > 0);
    for (const e of eps) assert.equal(e.securityMode, MessageSecurityMode.None);
    const client = await makeClient('encrypt');
    assert.match(await failure(client.connect(cell.endpointUrl)), /Cannot find an Endpoint matching/);
    await client.disconnect();
    await cell.setFaults([]);
  });

  it('deprecated-security-only advertises only Basic128Rsa15 and Basic256', async () => {
    await cell.setFaults(['deprecated-security-only']);
    const secure = (await endpoints(cell.endpointUrl)).filter(
      (e) => e.securityMode !== MessageSecurityMode.None,
    );
    assert.deepEqual([...new Set(secure.map(policy))].sort(), ['Basic128Rsa15', 'Basic256']);
    const client = await makeClient('encrypt');
    assert.match(await failure(client.connect(cell.endpointUrl)), /Cannot find an Endpoint matching/);
    await client.disconnect();
    await cell.setFaults([]);
  });

  it('anonymous-disabled drops the Anonymous token policy but accepts users', async () => {
    await cell.setFaults(['anonymous-disabled']);
    for (const e of await endpoints(cell.endpointUrl)) {
      assert.ok(!e.userIdentityTokens?.some((t) => t.tokenType === UserTokenType.Anonymous));
    }
    const client = await makeClient();
    await client.connect(cell.endpointUrl);
    try {
      assert.match(await failure(client.createSession()), /Cannot find ANONYMOUS/);
      const bad = { type: UserTokenType.UserName as const, userName: 'operator', password: 'wrong' };
      assert.match(await failure(client.createSession(bad)), /BadUserAccessDenied/);
      const session = await client.createSession({ ...bad, password: 'operator-pass' });
      assert.equal(await readValue(session, SPEED), 100);
      await session.close();
    } finally {
      await client.disconnect();
      await cell.setFaults([]);
    }
  });

  it('advertised-host-unresolvable advertises <name>.invalid on the same port', async () => {
    await cell.setFaults(['advertised-host-unresolvable']);
    for (const e of await endpoints(cell.endpointUrl))
      assert.equal(e.endpointUrl, `opc.tcp://sec-01.invalid:${cell.port}`);
    // dialling the IP still works when the client does not insist on a matching endpoint
    assert.equal(await withSession(cell.endpointUrl, (s) => readValue(s, SPEED)), 100);
    const strictClient = await makeClient('none', { endpointMustExist: true });
    await strictClient.connect(cell.endpointUrl);
    assert.match(await failure(strictClient.createSession()), /End point must exist/);
    await strictClient.disconnect();
    await cell.setFaults([]);
  });

  it('server-cert-expired serves an expired certificate on the same port, and recovers', async () => {
    await cell.setFaults(['server-cert-expired']);
    const [expired] = await endpoints(cell.endpointUrl);
    assert.ok(expired?.serverCertificate);
    assert.ok(new Date(new X509Certificate(expired.serverCertificate).validTo) < new Date());
    assert.ok(cell.serverCertificate().equals(expired.serverCertificate));
    await cell.setFaults([]);
    const [fresh] = await endpoints(cell.endpointUrl);
    assert.ok(fresh?.serverCertificate);
    assert.ok(new Date(new X509Certificate(fresh.serverCertificate).validTo) > new Date());
    assert.ok(cell.serverCertificate().equals(fresh.serverCertificate));
    assert.equal(await withSession(cell.endpointUrl, (s) => readValue(s, SPEED)), 100);
  });

  it('cert-uri-mismatch serves a certificate for another applicationUri on the same port, and recovers', async () => {
    const uri = 'urn:sec-01:Kepware.KEPServerEX.V6:UA%20Server';
    await cell.setFaults(['cert-uri-mismatch']);
    const eps = await endpoints(cell.endpointUrl);
    assert.ok(eps.length > 0);
    for (const e of eps) {
      assert.equal(e.server.applicationUri, uri);
      assert.ok(e.serverCertificate);
      assert.equal(sanUri(e.serverCertificate), 'urn:sec-01-old:Kepware.KEPServerEX.V6:UA%20Server');
      assert.ok(cell.serverCertificate().equals(e.serverCertificate));
    }
    // node-opcua's client does not compare the two: its session opens (stricter clients refuse)
    assert.equal(await withSession(cell.endpointUrl, (s) => readValue(s, SPEED), 'sign'), 100);
    await cell.setFaults([]);
    const [fresh] = await endpoints(cell.endpointUrl);
    assert.ok(fresh?.serverCertificate);
    assert.equal(sanUri(fresh.serverCertificate), uri);
    assert.ok(cell.serverCertificate().equals(fresh.serverCertificate));
  });
});
