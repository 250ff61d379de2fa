// Table-driven tests of the rules on recorded evidence, including the ambiguous cases the
// research calls out (an expired *and* untrusted agent certificate, "End point must exist",
// BadCertificateTimeInvalid with a valid certificate, identity errors without credentials).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose } from './diagnose.ts';
import type { ProbeEvidence } from './evidence.ts';
import { cert, ep, failedAt, healthy, NOW } from './fixtures.test-support.ts';

const DAY = 86_400_000;
const MAY = 'The connection may have been rejected by server,\n Err = ';
const expiredAgent = { agentCertificate: cert({ notBefore: NOW - 400 * DAY, notAfter: NOW - DAY }) };

const CASES: [string, ProbeEvidence, string][] = [
  ['healthy probe', healthy(), 'ok'],
  ['url rejected', failedAt('url', { message: 'protocol must be opc.tcp:, got http:' }), 'invalid-url'],
  [
    'ENOTFOUND',
    failedAt('dns', { message: 'getaddrinfo ENOTFOUND kep01.invalid', errno: 'ENOTFOUND' }),
    'dns-unresolved',
  ],
  ['EAI_AGAIN in text', failedAt('dns', { message: 'getaddrinfo EAI_AGAIN kep01' }), 'dns-unresolved'],
  ['ECONNREFUSED', failedAt('tcp', { message: 'connect ECONNREFUSED 127.0.0.1:49320' }), 'port-closed'],
  ['EHOSTUNREACH', failedAt('tcp', { message: 'connect EHOSTUNREACH 10.0.0.9:4840' }), 'host-unreachable'],
  ['ENETUNREACH', failedAt('tcp', { message: 'connect ENETUNREACH 10.9.0.9:4840' }), 'host-unreachable'],
  [
    'connect deadline',
    failedAt('tcp', { message: 'tcp: no answer within 3000 ms', timedOut: true }),
    'tcp-timeout',
  ],
  ['ETIMEDOUT', failedAt('tcp', { message: 'connect ETIMEDOUT 10.0.0.9:4840' }), 'tcp-timeout'],
  [
    'silent listener (Timeout(A))',
    failedAt('hello', { message: `${MAY}(Timeout(A) in waiting for data on socket(timeout was = 5000 ms))` }),
    'handshake-timeout',
  ],
  [
    'silent listener (our deadline)',
    failedAt('hello', { message: 'hello: no answer within 2000 ms', timedOut: true }),
    'handshake-timeout',
  ],
  // Issue 13: node-opcua's "hadError true" is a socket closed with an error (a reset), not bytes.
  [
    'reset while waiting (node-opcua text)',
    failedAt('hello', {
      message: `${MAY}(ERROR in waiting for data on socket(timeout was = 60000 ms) hadErrortrue )`,
    }),
    'connection-dropped',
  ],
  [
    'HTTP on the port (read by the hello rung)',
    failedAt('hello', { message: 'answered Hello with "HTTP/1.1 400 Bad Request"', kind: 'foreign-bytes' }),
    'not-opcua',
  ],
  [
    'Acknowledge with buffer sizes 0',
    failedAt('hello', {
      message: 'Acknowledge breaks Part 6 §7.1.2.4: ReceiveBufferSize 0 is below the minimum of 8192 bytes',
      kind: 'protocol-violation',
    }),
    'protocol-violation',
  ],
  [
    'the OPC UA library crashed on an answer',
    failedAt('endpoints', {
      message: 'node-opcua crashed reading the answer: RangeError',
      kind: 'library-fault',
    }),
    'protocol-violation',
  ],
  [
    'malformed ERR with a status the rules know',
    failedAt('hello', {
      message: 'ERR BadTcpServerTooBusy (0x807d0000), reason length 2147483647 exceeds 4096 bytes',
      statusName: 'BadTcpServerTooBusy',
      kind: 'protocol-violation',
    }),
    'server-busy',
  ],
  [
    'the channel closed under a pending GetEndpoints',
    failedAt('endpoints', { message: `${MAY}(Secure Channel Closed)` }),
    'connection-dropped',
  ],
  [
    "node-opcua's own chunk limit on a flood of chunks",
    failedAt('endpoints', { message: `${MAY}(premature socket termination max chunk count exceeded: 256 )` }),
    'message-too-large',
  ],
  [
    'a broken frame the tap saw outranks the wait it caused',
    failedAt('endpoints', {
      message: 'discovery channel: no answer within 2477 ms [the server sent ACK after the handshake]',
      timedOut: true,
      kind: 'protocol-violation',
    }),
    'protocol-violation',
  ],
  [
    'closed without a word at hello',
    failedAt('hello', { message: 'closed the connection after the Hello', kind: 'peer-closed' }),
    'connection-dropped',
  ],
  [
    'a well-formed ERR with a status the rules do not know stays unknown',
    failedAt('hello', { message: 'ERR BadNonceInvalid (0x80240000)', statusName: 'BadNonceInvalid' }),
    'unknown',
  ],
  [
    'drop on accept',
    failedAt('hello', {
      message: `${MAY}(Connection aborted - ended by server: ClientTCP_transport0: socket has been disconnected by third party )`,
    }),
    'connection-dropped',
  ],
  ['ECONNRESET at hello', failedAt('hello', { message: 'read ECONNRESET' }), 'connection-dropped'],
  [
    'HEL URL refused',
    failedAt('hello', { message: 'BadTcpEndpointUrlInvalid (0x80830000)' }),
    'endpoint-url-rejected',
  ],
  ['HEL too busy', failedAt('hello', { message: 'BadTcpServerTooBusy (0x807d0000)' }), 'server-busy'],
  [
    'HEL no resources',
    failedAt('hello', { message: 'BadTcpNotEnoughResources (0x80810000)' }),
    'too-many-sessions',
  ],
  [
    'Rsa15 only',
    failedAt(
      'select-endpoint',
      { message: 'x' },
      { endpoints: [ep('SignAndEncrypt', 'Basic128Rsa15'), ep('Sign', 'Basic256')] },
    ),
    'deprecated-security-only',
  ],
  [
    'Rsa15 + None, None not allowed',
    failedAt(
      'select-endpoint',
      { message: 'x' },
      { endpoints: [ep('None', 'None'), ep('SignAndEncrypt', 'Basic128Rsa15')] },
    ),
    'deprecated-security-only',
  ],
  [
    'sign requested, None only',
    failedAt(
      'select-endpoint',
      { message: 'x' },
      {
        endpoints: [ep('None', 'None')],
        request: {
          security: 'sign',
          allowSecurityNone: false,
          hasCredentials: false,
          trustOnFirstUse: false,
        },
      },
    ),
    'security-none-only',
  ],
  [
    'None requested, secure only',
    failedAt(
      'select-endpoint',
      { message: 'x' },
      {
        endpoints: [ep('SignAndEncrypt', 'Basic256Sha256')],
        request: { security: 'none', allowSecurityNone: true, hasCredentials: false, trustOnFirstUse: false },
      },
    ),
    'security-policy-mismatch',
  ],
  [
    'agent cert expired (local check)',
    failedAt('certificates', { message: 'agent certificate expired' }, expiredAgent),
    'client-cert-expired',
  ],
  [
    'server cert expired (local check)',
    failedAt('certificates', { message: 'x' }, { serverCertificate: cert({ notAfter: NOW - DAY }) }),
    'server-cert-expired',
  ],
  [
    'server cert not trusted',
    failedAt('certificates', { message: 'not trusted' }, { serverCertificateTrust: 'unknown' }),
    'server-cert-untrusted',
  ],
  [
    'untrusted agent at OPN',
    failedAt('secure-channel', {
      message: 'The connection has been rejected by server: BadSecurityChecksFailed (0x80130000)',
      statusName: 'BadSecurityChecksFailed',
    }),
    'client-cert-untrusted',
  ],
  // Ambiguous: an expired and untrusted agent certificate still gets BadSecurityChecksFailed (research §0.6).
  [
    'expired+untrusted agent at OPN',
    failedAt(
      'secure-channel',
      { message: 'The connection has been rejected by server: BadSecurityChecksFailed (0x80130000)' },
      expiredAgent,
    ),
    'client-cert-expired',
  ],
  [
    'expired trusted agent at OPN',
    failedAt(
      'secure-channel',
      { message: 'The connection has been rejected by server: BadCertificateTimeInvalid (0x80140000)' },
      expiredAgent,
    ),
    'client-cert-expired',
  ],
  // Ambiguous: BadCertificateTimeInvalid for a certificate valid by our clock → the server's clock.
  [
    'time invalid, agent valid',
    failedAt('secure-channel', { message: 'rejected by server: BadCertificateTimeInvalid (0x80140000)' }),
    'clock-skew',
  ],
  [
    'server cert untrusted by node-opcua',
    failedAt('secure-channel', {
      message: 'server Certificate verification failed with err BadCertificateUntrusted (0x801a0000)',
    }),
    'server-cert-untrusted',
  ],
  [
    'server cert time invalid by node-opcua',
    failedAt('secure-channel', {
      message: 'server Certificate verification failed with err BadCertificateTimeInvalid (0x80140000)',
    }),
    'server-cert-expired',
  ],
  [
    'policy rejected',
    failedAt('secure-channel', { message: 'BadSecurityPolicyRejected (0x80550000)' }),
    'security-policy-mismatch',
  ],
  // Issue 13: a secure channel refused right after a clean discovery → the agent certificate.
  [
    'socket dropped at a SignAndEncrypt OPN after discovery',
    failedAt('secure-channel', {
      message: `${MAY}(ClientTCP_transport2: socket has been disconnected by third party)`,
    }),
    'client-cert-untrusted',
  ],
  [
    'ERR BadSecurityChecksFailed with an empty reason at OPN (read by the tap)',
    failedAt('secure-channel', {
      message:
        'the server answered OpenSecureChannel with ERR BadSecurityChecksFailed (0x80130000) and an empty reason',
      statusName: 'BadSecurityChecksFailed',
    }),
    'client-cert-untrusted',
  ],
  [
    'reset at OPN after discovery, agent certificate expired',
    failedAt('secure-channel', { message: 'read ECONNRESET', errno: 'ECONNRESET' }, expiredAgent),
    'client-cert-expired',
  ],
  [
    'socket dropped at a None OPN: no certificate, so the connection',
    failedAt(
      'secure-channel',
      { message: `${MAY}(ClientTCP_transport2: socket has been disconnected by third party)` },
      { chosen: ep('None', 'None') },
    ),
    'connection-dropped',
  ],
  [
    'no anonymous policy',
    failedAt('session', { message: 'Cannot find ANONYMOUS user token policy in end point description' }),
    'anonymous-disabled',
  ],
  // Ambiguous: the same identity error means "anonymous off" without credentials, "wrong password" with.
  [
    'identity invalid, no credentials',
    failedAt('session', { message: 'BadIdentityTokenInvalid (0x80200000)' }),
    'anonymous-disabled',
  ],
  [
    'identity invalid, credentials',
    failedAt(
      'session',
      { message: 'BadIdentityTokenInvalid (0x80200000)' },
      {
        request: { security: 'auto', allowSecurityNone: false, hasCredentials: true, trustOnFirstUse: false },
      },
    ),
    'bad-credentials',
  ],
  [
    'wrong password',
    failedAt(
      'session',
      { message: 'BadUserAccessDenied (0x801f0000)' },
      {
        request: { security: 'auto', allowSecurityNone: false, hasCredentials: true, trustOnFirstUse: false },
      },
    ),
    'bad-credentials',
  ],
  [
    'session limit',
    failedAt('session', {
      message: ' serviceResult = BadTooManySessions (0x80560000)',
      statusName: 'BadTooManySessions',
    }),
    'too-many-sessions',
  ],
  [
    'uri mismatch at CreateSession',
    failedAt('session', { message: 'BadCertificateUriInvalid (0x80170000)' }),
    'cert-uri-mismatch',
  ],
  // Ambiguous: "End point must exist" is a host mismatch when endpoints advertise another host…
  [
    'endpoint must exist, other host',
    failedAt(
      'session',
      { message: 'End point must exist opc.tcp://127.0.0.1:4840 securityMode = None' },
      { advertisedHosts: [{ host: 'kep01', resolvable: false }] },
    ),
    'advertised-host-unresolvable',
  ],
  // …and a mode problem when they do not.
  [
    'endpoint must exist, same host',
    failedAt('session', { message: 'End point must exist opc.tcp://127.0.0.1:4840 securityMode = None' }),
    'security-policy-mismatch',
  ],
  [
    'read too large',
    failedAt('reads', { message: ' serviceResult = BadTcpMessageTooLarge (0x80800000)' }),
    'message-too-large',
  ],
  [
    'encoding limits',
    failedAt('reads', { message: ' serviceResult = BadEncodingLimitsExceeded (0x80080000)' }),
    'message-too-large',
  ],
  [
    'reads time out',
    failedAt('reads', { message: 'reads: no answer within 2000 ms', timedOut: true }),
    'server-busy',
  ],
  ['state Suspended', healthy({ serverState: 'Suspended' }), 'server-busy'],
  ['clock 10 min ahead', healthy({ clockOffsetMs: 600_000 }), 'clock-skew'],
  ['clock 20 s off is fine', healthy({ clockOffsetMs: 20_000 }), 'ok'],
  [
    'advertised host unresolvable',
    healthy({ advertisedHosts: [{ host: 'kep01.plant.invalid', resolvable: false }] }),
    'advertised-host-unresolvable',
  ],
  [
    'kepware device _Error',
    healthy({
      deviceHealth: [
        {
          source: 'kepware-error',
          node: 'ns=2;s=Ch1.Dev1._System._Error',
          value: 'true',
          status: 'Good',
          bad: true,
        },
      ],
    }),
    'device-not-communicating',
  ],
  [
    'ignition device disconnected',
    healthy({
      deviceHealth: [
        {
          source: 'ignition-connected',
          node: 'Devices/[PLC]/Connected',
          value: 'false',
          status: 'Good',
          bad: true,
        },
      ],
    }),
    'device-not-communicating',
  ],
  [
    'device ok',
    healthy({
      deviceHealth: [{ source: 'kepware-error', node: 'x', value: 'false', status: 'Good', bad: false }],
    }),
    'ok',
  ],
  ['something new', failedAt('secure-channel', { message: 'BadNonceInvalid (0x80240000)' }), 'unknown'],
];

for (const [name, evidence, code] of CASES) {
  test(`rule: ${name} → ${code}`, () => {
    const r = diagnose(evidence, { now: NOW });
    assert.equal(r.primary.code, code, r.primary.summary);
    assert.ok(r.primary.summary.length > 0 && !r.primary.summary.includes('{'), r.primary.summary);
    assert.ok(r.primary.verification.length > 0);
  });
}

test('unknown keeps the raw error verbatim', () => {
  const r = diagnose(failedAt('secure-channel', { message: 'BadNonceInvalid (0x80240000)' }), { now: NOW });
  assert.ok(r.primary.summary.includes('BadNonceInvalid (0x80240000)'));
  assert.ok(r.primary.evidence.some((l) => l.includes('BadNonceInvalid (0x80240000)')));
});
