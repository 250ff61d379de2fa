// The first rungs, with plain Node sockets: node-opcua folds DNS, refused and unreachable
// into one message (research §0.3), so we look at each layer ourselves first (§2.4 steps 1-2).
import { lookup } from 'node:dns/promises';
import { isIP, Socket } from 'node:net';
import { withDeadline } from '../opcua/deadline.ts';

export interface ParsedUrl {
  readonly host: string;
  readonly port: number;
}

/** opc.tcp://host[:port][/path]; 4840 is the IANA port for OPC UA (Part 6 §7.2). */
export function parseOpcTcpUrl(url: string): ParsedUrl {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // WHATWG URL rejects a port above 65535 as an invalid URL: name the real fault.
    const port = /^opc\.tcp:\/\/[^/?#]*:(\d+)(?:[/?#]|$)/i.exec(url)?.[1];
    if (port !== undefined && Number(port) > 65535) throw new Error(portOutOfRange(url, port));
    throw new Error(`"${url}" is not a URL (expected opc.tcp://host:port)`);
  }
  if (u.protocol !== 'opc.tcp:') throw new Error(`scheme must be opc.tcp://, got ${u.protocol}//`);
  if (!u.hostname) throw new Error('the URL has no host');
  // node-opcua cannot dial bracketed IPv6 literals (research §2.1): refuse them up front.
  if (u.hostname.startsWith('['))
    throw new Error('bracketed IPv6 addresses are not supported; use a host name');
  const port = u.port === '' ? 4840 : Number(u.port);
  if (port === 0) throw new Error(portOutOfRange(url, u.port));
  return { host: u.hostname, port };
}

const portOutOfRange = (url: string, port: string) =>
  `"${url}": port ${port} out of range (expected 1..65535)`;

export async function resolveHost(host: string, ms: number): Promise<string[]> {
  if (isIP(host)) return [host];
  const all = await withDeadline(lookup(host, { all: true }), ms, 'dns');
  return all.map((a) => a.address);
}

export function tcpConnect(address: string, port: number, ms: number): Promise<void> {
  const socket = new Socket();
  const done = new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  socket.connect({ host: address, port });
  return withDeadline(done, ms, 'tcp connect').finally(() => socket.destroy());
}

/** Is an advertised endpoint host reachable by name from here? (research §2.3 B12) */
export async function advertisedHosts(
  endpointUrls: readonly string[],
  dialled: string,
  ms: number,
): Promise<{ host: string; resolvable: boolean }[]> {
  const hosts = new Set<string>();
  for (const url of endpointUrls) {
    try {
      hosts.add(new URL(url).hostname);
    } catch {
      // A malformed advertised URL: nothing to resolve.
    }
  }
  const checks = [...hosts].map(async (host) => {
    if (host === dialled || isIP(host)) return { host, resolvable: true };
    try {
      return { host, resolvable: (await resolveHost(host, ms)).length > 0 };
    } catch {
      return { host, resolvable: false };
    }
  });
  return Promise.all(checks);
}
