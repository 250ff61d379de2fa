// The last failing probe's own connection as pcapng (issue 17), sent by the agent when a probe
// of an endpoint (or of one of its cell clients) fails, so the cell page can offer it for
// download. One per endpoint and client is kept by the hub; the newest wins.
import Type from 'typebox';
import { DiagnosisCode } from './probe.ts';

/** Largest capture the agent uploads (before base64); a refused handshake is a few KiB. */
export const MAX_CAPTURE_BYTES = 128 * 1024;

export const CaptureBody = Type.Object({
  endpoint: Type.String({ minLength: 1, maxLength: 64 }),
  /** The cell client the probe ran as; absent for the agent's own probe. */
  client: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
  /** When the probe started (ms since the epoch). */
  at: Type.Integer({ minimum: 0 }),
  code: DiagnosisCode,
  /** The pcapng file, base64 (RFC 4648 §4). */
  pcapng: Type.String({
    minLength: 4,
    maxLength: Math.ceil(MAX_CAPTURE_BYTES / 3) * 4,
    pattern: '^[A-Za-z0-9+/]+={0,2}$',
  }),
});
export type CaptureBody = Type.Static<typeof CaptureBody>;
