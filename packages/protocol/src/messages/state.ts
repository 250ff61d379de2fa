// Liveness, after Sparkplug B's NBIRTH/NDEATH: a retained birth when the agent connects,
// and a Last Will death registered at CONNECT. Both carry the agent's session counter (in the
// envelope) so a will from an older connection cannot mark a newer, live one offline.
import Type from 'typebox';
import { SEGMENT_PATTERN } from '../ids.ts';

const Segment = Type.String({ pattern: SEGMENT_PATTERN });

export const Identity = Type.Object({
  site: Segment,
  line: Segment,
  cell: Segment,
  sisterGroup: Segment,
});
export type Identity = Type.Static<typeof Identity>;

export const EndpointRef = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64 }),
  url: Type.String({ minLength: 1, maxLength: 512 }),
});
export type EndpointRef = Type.Static<typeof EndpointRef>;

export const AgentInvocation = Type.Object({
  command: Type.String({ minLength: 1, maxLength: 1024 }),
  config: Type.String({ minLength: 1, maxLength: 1024 }),
});
export type AgentInvocation = Type.Static<typeof AgentInvocation>;

export const BirthBody = Type.Object({
  state: Type.Literal('online'),
  identity: Identity,
  agentVersion: Type.String({ maxLength: 64 }),
  probeIntervalMs: Type.Integer({ minimum: 1000 }),
  endpoints: Type.Array(EndpointRef, { maxItems: 64 }),
  /**
   * How this agent was started (added in 1.1, optional): its executable and config file, so the
   * fix steps the hub shows name the exact command for this cell (issue 14).
   */
  invocation: Type.Optional(AgentInvocation),
});
export type BirthBody = Type.Static<typeof BirthBody>;

export const DeathBody = Type.Object({
  state: Type.Literal('offline'),
  /** `will` when the broker published it for a lost connection, `shutdown` for a clean stop. */
  reason: Type.Union([Type.Literal('will'), Type.Literal('shutdown')]),
});
export type DeathBody = Type.Static<typeof DeathBody>;

export const HealthBody = Type.Object({
  outboxDepth: Type.Integer({ minimum: 0 }),
  outboxBytes: Type.Integer({ minimum: 0 }),
  oldestAgeMs: Type.Integer({ minimum: 0 }),
  droppedForSize: Type.Integer({ minimum: 0 }),
  droppedForAge: Type.Integer({ minimum: 0 }),
  // Key figures for operations (issue 15), optional so an older agent's health still passes.
  /** Seconds since the agent process started. */
  uptimeS: Type.Optional(Type.Integer({ minimum: 0 })),
  /** Resident memory of the agent (bytes). */
  rssBytes: Type.Optional(Type.Integer({ minimum: 0 })),
  /** Mean time from publish to the hub's ack over the last interval (end-to-end latency). */
  ackRttMs: Type.Optional(Type.Number({ minimum: 0 })),
  /** Connections to the broker made since the agent started (a climbing count is a flapping link). */
  connects: Type.Optional(Type.Integer({ minimum: 0 })),
  /** When the agent's own application certificate expires (ms since epoch). */
  agentCertNotAfter: Type.Optional(Type.Integer()),
  /** The earliest expiry among the server certificates its endpoints presented (ms since epoch). */
  serverCertNotAfter: Type.Optional(Type.Integer()),
});
export type HealthBody = Type.Static<typeof HealthBody>;

/** Hub → agent: these message ids are stored; the agent may drop them from its outbox. */
export const AckBody = Type.Object({
  ids: Type.Array(Type.String({ minLength: 8, maxLength: 64 }), { minItems: 1, maxItems: 1000 }),
});
export type AckBody = Type.Static<typeof AckBody>;
