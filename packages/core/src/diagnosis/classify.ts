// Reads the few signals the rules need out of a runtime error. node-opcua raises plain Errors
// and puts socket errnos and most status codes only in the message text (research §0.3, §2.2),
// so this is string matching by design, kept in one place and tested on recorded messages.
import type { RawError, TransportFault } from './evidence.ts';

export interface Signal {
  /** OPC UA status name, e.g. `BadSecurityChecksFailed`. */
  readonly status?: string;
  /** Socket errno, e.g. `ECONNREFUSED`. */
  readonly errno?: string;
  readonly kind?: SignalKind;
}

export type SignalKind =
  | 'deadline'
  | 'violation'
  | 'no-data'
  | 'garbage'
  | 'dropped'
  | 'no-anonymous-policy'
  | 'endpoint-must-exist'
  | 'no-matching-endpoint'
  | 'server-cert-verification';

const STATUS_RE = /\b(Bad[A-Za-z]+)\b(?:\s*\(0x[0-9a-f]{8}\))?/i;
const ERRNO_RE =
  /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EAI_NONAME|EHOSTUNREACH|ENETUNREACH|EHOSTDOWN|ETIMEDOUT|ECONNRESET|ECONNABORTED|EPIPE|EADDRNOTAVAIL)\b/;

const KINDS: readonly [RegExp, SignalKind][] = [
  [/Cannot find ANONYMOUS user token policy/i, 'no-anonymous-policy'],
  [/End point must exist/i, 'endpoint-must-exist'],
  [/Cannot find an Endpoint matching/i, 'no-matching-endpoint'],
  [/server Certificate verification failed/i, 'server-cert-verification'],
  // Bytes arrived that were not an Acknowledge: another protocol on the port.
  [
    /invalid message header|Invalid message|unexpected message|Expecting ACK|packet_assembler|message type/i,
    'garbage',
  ],
  // "ERROR in waiting for data … hadError true" is node-opcua's text for a socket that closed
  // with an error while it waited, a reset above all (issue 13: an allow-list, a connection
  // limit or a crashing server), not for foreign bytes; those the hello rung reads itself.
  [/ERROR in waiting for data|hadError ?true/i, 'dropped'],
  // Silence after TCP accept: node-opcua's transport timeout (research §2.1 "Timeout(A)").
  [/Timeout\(A\)|waiting for data on socket\(timeout|Timeout in waiting for data/i, 'no-data'],
  [
    /disconnected by third party|ended by server|socket has been closed|premature socket termination|has been aborted|socket hang up|Secure Channel Closed|Connection Break/i,
    'dropped',
  ],
];

/** node-opcua's own message limits; it raises BadTcpMessageTooLarge but keeps the code off the text. */
const TOO_LARGE_RE = /max chunk count exceeded|max message size exceeded|maximum chunk size exceeded/i;

/** What the agent saw itself outranks any reading of the message text. */
const FAULT_KIND: Record<TransportFault, SignalKind> = {
  'protocol-violation': 'violation',
  'library-fault': 'violation',
  'foreign-bytes': 'garbage',
  'peer-closed': 'dropped',
};

export function classify(error: RawError | undefined): Signal {
  if (!error) return {};
  // What the agent saw itself (a broken frame that left node-opcua waiting) outranks the wait.
  if (error.timedOut && !error.kind) return { kind: 'deadline' };
  const text = error.message;
  const status =
    error.statusName ??
    text.match(STATUS_RE)?.[1] ??
    (TOO_LARGE_RE.test(text) ? 'BadTcpMessageTooLarge' : undefined);
  const errno = error.errno ?? text.match(ERRNO_RE)?.[1];
  const kind = error.kind ? FAULT_KIND[error.kind] : KINDS.find(([re]) => re.test(text))?.[1];
  return {
    ...(status === undefined ? {} : { status: normaliseStatus(status) }),
    ...(errno === undefined ? {} : { errno }),
    ...(kind === undefined ? {} : { kind }),
  };
}

/** `Bad_SecurityChecksFailed` (Milo spelling) → `BadSecurityChecksFailed`. */
export function normaliseStatus(name: string): string {
  return name.replace(/_/g, '');
}

export function statusIn(signal: Signal, ...names: string[]): boolean {
  return signal.status !== undefined && names.includes(signal.status);
}
