// The plant's own OPC UA client of issue 17, as the suites need it: an "Ignition-like" client
// with a node-opcua certificate of its own (its key readable only by its owner, as the agent's
// config check demands), a strict-PKI Kepware cell that trusts only the certificates it is
// given, and the client as it is listed in an endpoint's `clients`.
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { type AgentPki, openAgentPki } from '@cellfleet/agent';
import { type RunningCell, startCell } from '@cellfleet/cellsim';
import type { ClientConfig } from '@cellfleet/protocol';

export async function openIgnitionPki(dir: string): Promise<AgentPki> {
  const pki = await openAgentPki({
    dir: join(dir, 'ignition'),
    applicationUri: 'urn:plant:ignition-gateway',
    applicationName: 'Ignition Gateway',
    disableFileWatchers: true,
  });
  chmodSync(pki.privateKeyFile, 0o600);
  return pki;
}

/** A Kepware cell that refuses every client certificate but the ones listed. */
export function startStrictKepware(o: {
  dir: string;
  name: string;
  trusted?: Buffer[];
}): Promise<RunningCell> {
  return startCell({
    kind: 'kepware',
    name: o.name,
    pkiDir: join(o.dir, 'kepware-pki'),
    faults: ['strict-pki'],
    ...(o.trusted ? { trustedClientCertificates: o.trusted } : {}),
  });
}

/** Ignition Gateway as listed in the endpoint's `clients`: SignAndEncrypt/Basic256Sha256, anonymous. */
export function ignitionClient(o: {
  url: string;
  certificate: string;
  privateKey?: string;
  over?: Partial<ClientConfig>;
}): ClientConfig {
  return {
    name: 'ignition-gateway',
    label: 'Ignition Gateway',
    vendor: 'ignition',
    url: o.url,
    securityPolicy: 'Basic256Sha256',
    securityMode: 'SignAndEncrypt',
    userTokenType: 'Anonymous',
    certificate: o.certificate,
    ...(o.privateKey ? { privateKey: o.privateKey } : {}),
    ...o.over,
  };
}
