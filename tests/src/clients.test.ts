// Issue 17: both sides of the failing connection. An emulated Kepware cell with a strict PKI
// trusts the agent but not the plant's "Ignition-like" client (a node-opcua certificate of its
// own): the agent's probe is ok, the probe as the client names client-cert-untrusted with the
// client's thumbprint, the trust-store watch finds its certificate in the server's rejected
// folder; trusting it on the server clears both. A client whose host name no longer resolves
// and one whose policy the server dropped are named too. The captures of refused handshakes
// decode with Debian's tshark as OPC UA; no key or password appears in any output.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  type AgentPki,
  HOSTILE_SCRIPTS,
  openAgentPki,
  type ProbeResult,
  probeEndpoint,
  startHostilePeer,
  startRawPeer,
} from '@cellfleet/agent';
import type { RunningCell } from '@cellfleet/cellsim';
import type { ClientConfig, EndpointConfig } from '@cellfleet/protocol';
import { ignitionClient, openIgnitionPki, startStrictKepware } from './support/plant-client.ts';

const TIMEOUT = 4000;
const dir = mkdtempSync(join(tmpdir(), 'cellfleet-clients-'));
const PASSWORD = 'Pl4nt-Secret-pw!';
let agent: AgentPki;
let ignition: AgentPki;
let cell: RunningCell;
let keyPem: string;
const outputs: string[] = [];
const captures: Uint8Array[] = [];

before(async () => {
  agent = await openAgentPki({ dir: join(dir, 'agent'), disableFileWatchers: true });
  ignition = await openIgnitionPki(dir);
  keyPem = readFileSync(ignition.privateKeyFile, 'utf8');
  cell = await startStrictKepware({ dir, name: 'press-17', trusted: [agent.certificate.der] });
});
after(async () => {
  await cell.stop();
  await agent.dispose();
  await ignition.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const client = (over: Partial<ClientConfig> = {}): ClientConfig =>
  ignitionClient({
    url: cell.endpointUrl,
    certificate: ignition.certificateFile,
    privateKey: ignition.privateKeyFile,
    over,
  });

const endpoint = (): EndpointConfig => ({
  name: 'kepware',
  url: cell.endpointUrl,
  trustOnFirstUse: true,
  rejectedCertificatesDir: join(dir, 'kepware-pki', 'rejected'),
  clients: [client()],
});

async function probe(as?: ClientConfig, over: Partial<EndpointConfig> = {}): Promise<ProbeResult> {
  const r = await probeEndpoint(
    { ...endpoint(), ...over },
    {
      pki: agent,
      timeoutMs: TIMEOUT,
      ...(as ? { client: as } : {}),
    },
  );
  outputs.push(JSON.stringify(r.body), JSON.stringify(r.evidence), JSON.stringify(r.diagnosis));
  if (r.capture) captures.push(r.capture);
  return r;
}

const thumb = () => ignition.certificate.thumbprint;
const colons = () => (thumb().toUpperCase().match(/.{2}/g) ?? []).join(':');

/** `tshark -r file -Y opcua`: message type, error status and reason of every OPC UA frame. */
function decode(bytes: Uint8Array): string[] {
  const file = join(dir, `capture-${captures.length}-${Math.random().toString(36).slice(2)}.pcapng`);
  writeFileSync(file, bytes);
  const out = execFileSync(
    'tshark',
    ['-r', file, '-Y', 'opcua', '-T', 'fields', '-e', 'opcua.transport.type', '-e', 'opcua.transport.error'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return out.split('\n').filter((l) => l.trim() !== '');
}

describe('a cell client the server refuses (issue 17)', () => {
  test("the agent's own probe passes while the server refuses the Ignition client's certificate", async () => {
    const own = await probe();
    assert.equal(own.body.ok, true, own.body.diagnosis.summary);
    const as = await probe(client());
    assert.equal(as.body.diagnosis.code, 'client-cert-untrusted', JSON.stringify(as.body.steps));
    assert.match(as.body.diagnosis.summary, /refuses Ignition Gateway's certificate/);
    assert.ok(as.body.diagnosis.summary.includes(colons()), as.body.diagnosis.summary);
    assert.equal(as.body.client?.name, 'ignition-gateway');
    assert.equal(as.body.client?.certificate?.thumbprint, thumb());
    assert.equal(as.body.agentCertificate, undefined, 'the certificate presented was the client’s');
    // What Ignition itself shows comes first; the fix names its thumbprint.
    assert.match(as.body.diagnosis.otherClientsShow?.[0] ?? '', /Ignition/);
    assert.ok(
      as.body.diagnosis.remediation?.some((r) => r.steps.some((s) => s.includes(colons()))),
      JSON.stringify(as.body.diagnosis.remediation),
    );
  });

  test('the trust-store watch reports the rejected certificate and matches it to the client', async () => {
    const own = await probe();
    const rejected = own.body.serverRejected?.find((r) => r.thumbprint === thumb());
    assert.ok(rejected, JSON.stringify(own.body.serverRejected));
    assert.equal(rejected.client, 'ignition-gateway');
    assert.match(rejected.applicationUri ?? '', /urn:plant:ignition-gateway/);
    assert.ok(rejected.firstSeen > Date.now() - 600_000 && rejected.firstSeen <= Date.now() + 1000);
    const finding = own.body.findings.find((f) => f.code === 'client-cert-untrusted');
    assert.ok(finding, JSON.stringify(own.body.findings.map((f) => f.code)));
    assert.match(finding.summary, /Ignition Gateway .* since \d\d:\d\d UTC/);
    // Without the key the agent cannot present the certificate; the rejected folder proves it.
    const { privateKey: _key, ...withoutKey } = client();
    const keyless = await probe(withoutKey);
    assert.equal(keyless.body.client?.keyAvailable, false);
    assert.equal(keyless.body.diagnosis.code, 'client-cert-untrusted', keyless.body.diagnosis.summary);
    assert.match(keyless.body.diagnosis.summary, /rejected folder since/);
    assert.ok(keyless.body.client?.unproven.some((l) => /Not proven: whether the server trusts/.test(l)));
  });

  test('the capture of the refused OpenSecureChannel decodes with tshark: Hello, Acknowledge, OpenSecureChannel', async () => {
    const as = await probe(client());
    assert.ok(as.capture && as.capture.length > 0);
    const frames = decode(as.capture);
    const types = frames.map((l) => l.split('\t')[0]);
    // node-opcua's server refuses with a ServiceFault inside its OpenSecureChannel answer,
    // encrypted to the refused client's key: Wireshark shows the OPN pair; the status the agent
    // read (BadSecurityChecksFailed) is in the file comment. Kepware answers with an ERR: next test.
    assert.deepEqual(types.slice(-4), ['HEL', 'ACK', 'OPN', 'OPN'], frames.join('\n'));
    assert.ok(
      Buffer.from(as.capture).includes(Buffer.from('BadSecurityChecksFailed')),
      'the comment names it',
    );
  });

  test('a server that refuses the OpenSecureChannel with ERR (issue 13): tshark shows the Error status', async () => {
    const script = HOSTILE_SCRIPTS.find((x) => x.name === 'secure-opn-err-empty-reason');
    assert.ok(script);
    const peer = await startHostilePeer({
      script: script.make(),
      upstream: { host: '127.0.0.1', port: Number(new URL(cell.endpointUrl).port) },
    });
    try {
      const r = await probe(client({ url: peer.url }));
      assert.equal(r.body.diagnosis.code, 'client-cert-untrusted', r.body.diagnosis.summary);
      assert.ok(r.capture);
      const frames = decode(r.capture);
      const types = frames.map((l) => l.split('\t')[0]);
      assert.deepEqual(types.slice(-4), ['HEL', 'ACK', 'OPN', 'ERR'], frames.join('\n'));
      // 0x80130000 BadSecurityChecksFailed, as tshark prints the UInt32 status.
      assert.match(frames.at(-1) ?? '', /0x80130000/);
    } finally {
      await peer.close();
    }
  });

  test('trusting the certificate on the server clears both the client probe and the watch', async () => {
    await cell.trustClientCertificate(ignition.certificate.der);
    const as = await probe(client());
    assert.equal(as.body.diagnosis.code, 'ok', as.body.diagnosis.summary);
    assert.match(as.body.diagnosis.summary, /Ignition Gateway/);
    const own = await probe();
    assert.ok(!own.body.findings.some((f) => f.code === 'client-cert-untrusted'));
    assert.ok(!own.body.serverRejected?.some((r) => r.thumbprint === thumb()));
  });

  test('a client whose configured host name no longer resolves, and one with a dropped policy', async () => {
    const port = new URL(cell.endpointUrl).port;
    const stale = await probe(client({ url: `opc.tcp://old-kepware.invalid:${port}` }));
    assert.equal(stale.body.diagnosis.code, 'dns-unresolved');
    assert.match(stale.body.diagnosis.summary, /^Ignition Gateway \(opc\.tcp:\/\/old-kepware\.invalid/);
    const dropped = await probe(client({ securityPolicy: 'Basic256' }));
    assert.equal(dropped.body.diagnosis.code, 'security-policy-mismatch');
    assert.match(
      dropped.body.diagnosis.summary,
      /Ignition Gateway is configured for SignAndEncrypt\/Basic256/,
    );
  });

  test('an ERR peer: the capture decodes as OPC UA with the status of the Error', async () => {
    const peer = await startRawPeer('opcua-error', 0x80830000);
    try {
      const r = await probeEndpoint({ name: 'err', url: peer.url }, { pki: agent, timeoutMs: TIMEOUT });
      assert.equal(r.body.diagnosis.code, 'endpoint-url-rejected');
      assert.ok(r.capture);
      const frames = decode(r.capture);
      assert.equal(frames[0]?.split('\t')[0], 'HEL', frames.join('\n'));
      assert.match(frames.find((l) => l.startsWith('ERR')) ?? '', /0x80830000/);
    } finally {
      await peer.close();
    }
  });

  test('no private key or password in any result, evidence or capture of this suite', async () => {
    // A probe that sends the password (refused by the cell or not, it went on the wire).
    await probe(undefined, {
      user: 'operator',
      password: PASSWORD,
      security: 'none',
      allowSecurityNone: true,
    });
    const body = keyPem.split('\n').filter((l) => l.length > 40)[1] ?? '';
    assert.ok(body.length > 40, 'the key has a body line to look for');
    const text = outputs.join('\n');
    assert.ok(!text.includes(body), 'a line of the private key is in an output');
    assert.ok(!text.includes(PASSWORD), 'the password is in an output');
    for (const c of captures) {
      const bytes = Buffer.from(c);
      assert.ok(!bytes.includes(Buffer.from(body)), 'a line of the private key is in a capture');
      assert.ok(!bytes.includes(Buffer.from(PASSWORD, 'utf8')), 'the password is in a capture');
    }
    assert.ok(captures.length >= 5, `captures searched: ${captures.length}`);
  });
});
