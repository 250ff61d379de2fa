// The scripted misbehaviours of the hostile-server suite (issue 12), each with the diagnosis
// codes an honest probe may give for it. `upstream: true` scripts sit in front of a real
// node-opcua server and break one answer of an otherwise sound conversation; the others are
// raw peers that answer the Hello themselves.
import type { DiagnosisCode } from '@cellfleet/core';
import { type Acknowledge, encodeAck, encodeErr, HELLO_LIMITS } from '../opcua/uacp.ts';
import type { PeerFrame, PeerScript, PeerStep } from './hostile-peer.ts';

export interface HostileScript {
  readonly name: string;
  readonly upstream: boolean;
  readonly expect: readonly DiagnosisCode[];
  /** A fresh script for one peer (some remember what they already broke). */
  make(): PeerScript;
}

const SOUND_ACK: Acknowledge = { protocolVersion: 0, ...HELLO_LIMITS, maxMessageSize: 0, maxChunkCount: 0 };
const BAD_TCP_INTERNAL = 0x80820000;
const TOO_BUSY = 0x807d0000;
const SECURITY_CHECKS_FAILED = 0x80130000;

const isHello = (f: PeerFrame) => f.from === 'client' && f.header.type === 'HEL';
const serverSays = (type: string) => (f: PeerFrame) => f.from === 'server' && f.header.type === type;
/** The server's answer to node-opcua's OpenSecureChannel on the discovery connection. */
const isDiscoveryOpn = serverSays('OPN');
/** Its answer to GetEndpoints, the first service request. */
const isGetEndpointsResponse = serverSays('MSG');
const isSecureOpnRequest = (f: PeerFrame) =>
  f.from === 'client' && f.header.type === 'OPN' && !policyOf(f.bytes).endsWith('#None');

/** Answer the Hello with these steps; stay silent afterwards. */
const onHello =
  (steps: readonly PeerStep[]): PeerScript =>
  (f) =>
    isHello(f) ? steps : [];

/** Replace the first frame `match` picks with these steps; pass everything else on. */
const replace = (
  match: (f: PeerFrame) => boolean,
  steps: (f: PeerFrame) => readonly PeerStep[],
): PeerScript => {
  let done = false;
  return (f) => {
    if (done || !match(f)) return undefined;
    done = true;
    return steps(f);
  };
};

const ack = (over: Partial<Acknowledge>) => encodeAck({ ...SOUND_ACK, ...over });
const withSize = (b: Buffer, size: number) => {
  const c = Buffer.from(b);
  c.writeUInt32LE(size >>> 0, 4);
  return c;
};
const withType = (b: Buffer, type: string) =>
  Buffer.concat([Buffer.from(type, 'ascii'), b.subarray(type.length)]);
/** An ERR whose reason length field says `length` whatever follows. */
const errWithLength = (status: number, length: number, body = Buffer.alloc(4)) => {
  const b = Buffer.concat([encodeErr(status, ''), body]);
  b.writeUInt32LE(b.length, 4);
  b.writeInt32LE(length, 12);
  return b;
};

export const HOSTILE_SCRIPTS: readonly HostileScript[] = [
  raw(
    'ack-zero-sizes',
    ['protocol-violation'],
    onHello([{ send: ack({ receiveBufferSize: 0, sendBufferSize: 0 }) }]),
  ),
  raw(
    'ack-4gib-sizes',
    ['protocol-violation'],
    onHello([
      {
        send: ack({
          receiveBufferSize: 2 ** 32 - 1,
          sendBufferSize: 2 ** 32 - 1,
          maxMessageSize: 2 ** 32 - 1,
          maxChunkCount: 2 ** 32 - 1,
        }),
      },
    ]),
  ),
  raw(
    'ack-negative-sizes',
    ['protocol-violation'],
    onHello([{ send: ack({ receiveBufferSize: 0x80000000, sendBufferSize: 0x80000000 }) }]),
  ),
  raw(
    'ack-below-minimum',
    ['protocol-violation'],
    onHello([{ send: ack({ receiveBufferSize: 1024, sendBufferSize: 1024 }) }]),
  ),
  raw('ack-size-field-short', ['protocol-violation'], onHello([{ send: withSize(ack({}), 20) }])),
  raw('ack-size-field-absurd', ['protocol-violation'], onHello([{ send: withSize(ack({}), 0x7fffffff) }])),
  raw('ack-not-final', ['protocol-violation'], onHello([{ send: withType(ack({}), 'ACKC') }])),
  raw(
    'ack-truncated-then-close',
    ['protocol-violation'],
    onHello([{ send: ack({}).subarray(0, 14) }, 'end']),
  ),
  raw('ack-slow-trickle', ['handshake-timeout'], onHello([{ trickle: ack({}), size: 1, everyMs: 400 }])),
  raw('msg-instead-of-ack', ['protocol-violation'], onHello([{ send: withType(ack({}), 'MSGF') }])),
  raw('hello-echoed', ['protocol-violation'], (f) => (isHello(f) ? [{ send: f.bytes }] : [])),
  raw(
    'ack-then-garbage',
    ['protocol-violation'],
    onHello([{ send: Buffer.concat([ack({}), Buffer.alloc(64, 0xee)]) }]),
  ),
  raw(
    'err-huge-reason-length',
    ['protocol-violation'],
    onHello([{ send: errWithLength(BAD_TCP_INTERNAL, 0x7fffffff) }, 'end']),
  ),
  raw(
    'err-negative-reason-length',
    ['protocol-violation'],
    onHello([{ send: errWithLength(BAD_TCP_INTERNAL, -5) }, 'end']),
  ),
  raw('err-good-status', ['protocol-violation'], onHello([{ send: encodeErr(0, 'all good') }, 'end'])),
  raw(
    'err-reason-not-utf8',
    ['server-busy'],
    onHello([{ send: errWithLength(TOO_BUSY, 4, Buffer.from([0xff, 0xfe, 0xc0, 0x80])) }, 'end']),
  ),
  raw(
    'err-frame-absurd',
    ['protocol-violation'],
    onHello([{ send: withSize(encodeErr(BAD_TCP_INTERNAL, 'x'), 1 << 20) }, 'end']),
  ),
  raw('err-busy-empty-reason', ['server-busy'], onHello([{ send: encodeErr(TOO_BUSY, '') }, 'end'])),
  raw(
    'binary-garbage',
    ['not-opcua'],
    onHello([{ send: Buffer.from('ff00fe01fd02fc03fb04fa05f906f807', 'hex') }]),
  ),
  raw('ssh-banner', ['not-opcua'], onHello([{ send: Buffer.from('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n') }])),
  raw(
    'http-response',
    ['not-opcua'],
    onHello([{ send: Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n') }, 'end']),
  ),
  raw('close-after-hello', ['connection-dropped'], onHello(['end'])),
  raw('reset-after-hello', ['connection-dropped'], onHello(['reset'])),
  raw('silent', ['handshake-timeout'], onHello([])),
  proxied('opn-answered-with-short-err', ['protocol-violation'], () =>
    replace(isDiscoveryOpn, () => [{ send: withSize(encodeErr(BAD_TCP_INTERNAL, '').subarray(0, 12), 12) }]),
  ),
  proxied('opn-answered-with-huge-err', ['protocol-violation'], () =>
    replace(isDiscoveryOpn, () => [{ send: errWithLength(BAD_TCP_INTERNAL, 0x7fffffff) }]),
  ),
  proxied('opn-size-field-absurd', ['protocol-violation'], () =>
    replace(isDiscoveryOpn, (f) => [{ send: withSize(f.bytes, 0x7fffffff) }]),
  ),
  proxied('opn-size-field-short', ['protocol-violation'], () =>
    replace(isDiscoveryOpn, (f) => [{ send: withSize(f.bytes, f.bytes.length - 40) }]),
  ),
  proxied('opn-truncated-then-close', ['protocol-violation'], () =>
    replace(isDiscoveryOpn, (f) => [{ send: f.bytes.subarray(0, f.bytes.length >> 1) }, 'end']),
  ),
  proxied('opn-answered-with-ack', ['protocol-violation'], () =>
    replace(isDiscoveryOpn, () => [{ send: ack({}) }]),
  ),
  proxied('close-after-opn', ['connection-dropped'], () =>
    replace(isDiscoveryOpn, (f) => [{ send: f.bytes }, { wait: 20 }, 'end']),
  ),
  proxied(
    'getendpoints-chunk-flood',
    ['message-too-large', 'protocol-violation', 'connection-dropped', 'handshake-timeout'],
    () => replace(isGetEndpointsResponse, flood),
  ),
  proxied('secure-opn-err-empty-reason', ['client-cert-untrusted'], () =>
    replace(isSecureOpnRequest, () => [{ send: encodeErr(SECURITY_CHECKS_FAILED, '') }, 'end']),
  ),
  proxied('secure-opn-closed', ['client-cert-untrusted'], () => replace(isSecureOpnRequest, () => ['end'])),
];

function raw(name: string, expect: readonly DiagnosisCode[], script: PeerScript): HostileScript {
  return { name, upstream: false, expect, make: () => script };
}

function proxied(name: string, expect: readonly DiagnosisCode[], make: () => PeerScript): HostileScript {
  return { name, upstream: true, expect, make };
}

/** 2,000 intermediate chunks of 64 KiB (125 MiB) on the real response's channel and request. */
function flood(f: PeerFrame): PeerStep[] {
  const chunk = Buffer.alloc(65_536);
  f.bytes.copy(chunk, 0, 0, 24);
  chunk.write('MSGC', 0, 'ascii');
  chunk.writeUInt32LE(chunk.length, 4);
  const seq = f.bytes.readUInt32LE(16);
  const steps: PeerStep[] = [];
  for (let i = 0; i < 2000; i++) {
    const c = Buffer.from(chunk);
    c.writeUInt32LE((seq + i) >>> 0, 16);
    steps.push({ send: c });
  }
  return steps;
}

/** The SecurityPolicyUri of an OPN chunk (Part 6 §6.7.2.3: after the SecureChannelId). */
export function policyOf(opn: Buffer): string {
  if (opn.length < 16) return '';
  const length = opn.readInt32LE(12);
  if (length <= 0 || 16 + length > opn.length) return '';
  return opn.subarray(16, 16 + length).toString('utf8');
}
