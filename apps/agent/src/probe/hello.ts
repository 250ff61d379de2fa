// The hello rung: the agent says Hello itself over a plain socket and reads the first message
// back with its own bounded reader (OPC UA Part 6 §7.1.2), before node-opcua ever sees the
// server. An Acknowledge with buffer sizes of 0 or 4 GiB, a truncated or lying Error message,
// foreign bytes, a reset or a silent close are each named here from the bytes themselves
// (issue 12; issue 13 on resets read as foreign bytes), and node-opcua is not handed a server
// that already broke the protocol.

import { createConnection } from 'node:net';
import type { TransportFault } from '@cellfleet/core';
import { StatusCodes } from 'node-opcua-client';
import {
  ACK_SIZE,
  type Acknowledge,
  ackViolations,
  describeBytes,
  ERR_MAX_SIZE,
  encodeHello,
  HEADER_SIZE,
  hex8,
  parseAck,
  parseErr,
  readHeader,
} from '../opcua/uacp.ts';

/** A failed hello, shaped for rawError(): `statusCode.name`, `code` (errno), `kind`. */
export class HelloError extends Error {
  override readonly name = 'HelloError';
  readonly kind: TransportFault | undefined;
  readonly statusCode: { name: string } | undefined;
  readonly code: string | undefined;
  readonly timedOut: boolean;
  constructor(
    message: string,
    o: { kind?: TransportFault; status?: string; errno?: string; timedOut?: boolean } = {},
  ) {
    super(message);
    this.kind = o.kind;
    this.statusCode = o.status ? { name: o.status } : undefined;
    this.code = o.errno;
    this.timedOut = o.timedOut ?? false;
  }
}

/** Says Hello to `url` on `address:port`; resolves with the Acknowledge or throws HelloError. */
export function sayHello(o: {
  url: string;
  address: string;
  port: number;
  ms: number;
}): Promise<Acknowledge> {
  let got = Buffer.alloc(0);
  return new Promise<Acknowledge>((resolve, reject) => {
    // createConnection (not `new Socket`) so the probe's tap and capture see this socket too.
    const socket = createConnection({ host: o.address, port: o.port }, () =>
      socket.write(encodeHello(o.url)),
    );
    const finish = (err: HelloError | undefined, ack?: Acknowledge) => {
      clearTimeout(timer);
      socket.removeAllListeners('data');
      socket.destroy();
      if (err) reject(err);
      else resolve(ack as Acknowledge);
    };
    const timer = setTimeout(() => finish(silence(got, o.ms)), o.ms);
    socket.on('data', (chunk: Buffer) => {
      // Never keep more than one Error message's worth: a server cannot grow this buffer.
      got = Buffer.concat([got, chunk.subarray(0, Math.max(0, ERR_MAX_SIZE + 1 - got.length))]);
      const verdict = judge(got);
      if (verdict !== 'wait') finish(verdict.err, verdict.ack);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const errno = err.code ?? 'ECONNRESET';
      finish(new HelloError(`${errno} after the Hello${received(got)}`, { errno }));
    });
    socket.once('end', () => finish(closedEarly(got)));
  });
}

type Verdict = 'wait' | { err?: HelloError; ack?: Acknowledge };

/** What the bytes received so far say; `wait` while the first message is still incomplete. */
export function judge(got: Buffer): Verdict {
  if (got.length < HEADER_SIZE) return 'wait';
  const read = readHeader(got);
  if (!read.ok) {
    const foreign = /not an OPC UA message header/.test(read.why);
    return fail(`answered the Hello with ${read.why}`, foreign ? 'foreign-bytes' : 'protocol-violation');
  }
  const { type, chunk, size } = read.header;
  if (type === 'ERR') return errVerdict(got, size);
  if (type !== 'ACK') return fail(`answered the Hello with a ${type} message instead of an Acknowledge`);
  if (chunk !== 'F') return fail(`sent an Acknowledge as chunk type '${chunk}' (Part 6 §7.1.2.2: only 'F')`);
  if (size !== ACK_SIZE)
    return fail(`sent an Acknowledge declaring ${size} bytes (Part 6 §7.1.2.4: it is ${ACK_SIZE})`);
  if (got.length < ACK_SIZE) return 'wait';
  const ack = parseAck(got);
  const broken = ackViolations(ack);
  if (broken.length > 0) return fail(`sent an Acknowledge that breaks Part 6 §7.1.2.4: ${broken.join('; ')}`);
  if (got.length > ACK_SIZE)
    return fail(`sent ${got.length - ACK_SIZE} bytes after the Acknowledge, before any request`);
  return { ack };
}

function errVerdict(got: Buffer, size: number): Verdict {
  if (size > ERR_MAX_SIZE) {
    // The status comes first: keep it even when the length is absurd.
    if (got.length < 12) return 'wait';
    const e = parseErr(got.subarray(0, 12));
    return errorMessage(e.status, null, [
      `ERR declares ${size} bytes (Part 6 §7.1.2.5: at most ${ERR_MAX_SIZE})`,
    ]);
  }
  if (got.length < size) return 'wait';
  const e = parseErr(got.subarray(0, size));
  const extra = got.length > size ? [`${got.length - size} bytes after the ERR`] : [];
  return errorMessage(e.status, e.reason, [...e.violations, ...extra]);
}

function errorMessage(status: number, reason: string | null, violations: readonly string[]): Verdict {
  const name = statusName(status);
  const said = reason === null || reason === '' ? 'with an empty reason' : `reason "${reason.slice(0, 300)}"`;
  const text = `answered the Hello with ERR ${name ?? 'status'} (0x${hex8(status)}) ${said}`;
  const broken = violations.length > 0 ? `; the ERR is malformed: ${violations.join('; ')}` : '';
  return {
    err: new HelloError(`${text}${broken}`, {
      ...(name ? { status: name } : {}),
      ...(violations.length > 0 ? { kind: 'protocol-violation' as const } : {}),
    }),
  };
}

function fail(message: string, kind: TransportFault = 'protocol-violation'): Verdict {
  return { err: new HelloError(message, { kind }) };
}

function closedEarly(got: Buffer): HelloError {
  if (got.length === 0)
    return new HelloError('closed the connection after the Hello without a word', { kind: 'peer-closed' });
  const v = judge(got);
  if (v !== 'wait' && v.err) return v.err;
  const read = readHeader(got);
  const size = read.ok ? `${read.header.size}-byte ${read.header.type}` : 'message';
  return new HelloError(`closed the connection after ${got.length} bytes of a ${size}`, {
    kind: 'protocol-violation',
  });
}

function silence(got: Buffer, ms: number): HelloError {
  return new HelloError(`no Acknowledge within ${Math.round(ms)} ms${received(got)}`, { timedOut: true });
}

function received(got: Buffer): string {
  return got.length === 0 ? '' : ` (received ${got.length} bytes: ${describeBytes(got)})`;
}

let names: Map<number, string> | undefined;

/** `BadTcpServerTooBusy` for 0x807d0000, from node-opcua's table; undefined when unknown. */
export function statusName(code: number): string | undefined {
  if (!names) {
    names = new Map();
    for (const v of Object.values(StatusCodes) as unknown[]) {
      const sc = v as { value?: unknown; name?: unknown };
      if (typeof sc.value === 'number' && typeof sc.name === 'string') names.set(sc.value >>> 0, sc.name);
    }
  }
  return names.get((code & 0xffff0000) >>> 0);
}
