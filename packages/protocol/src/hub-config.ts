// The hub's configuration: what `cellfleet-hub serve` builds from its flags, or reads from a
// YAML file (`serve --config hub.yaml`), before anything starts. One schema for both, closed
// at every level: a misspelled key is refused with its path, never silently ignored.
import Type from 'typebox';

const closed = { additionalProperties: false } as const;
const Port = Type.Integer({ minimum: 0, maximum: 65535, description: '0 picks a free port' });
const Host = Type.String({ minLength: 1, maxLength: 255 });
const File = Type.String({ minLength: 1, maxLength: 4096 });

export const LogLevel = Type.Union([
  Type.Literal('debug'),
  Type.Literal('info'),
  Type.Literal('warn'),
  Type.Literal('error'),
]);
export type LogLevel = Type.Static<typeof LogLevel>;

/** HOST:PORT, or [IPv6]:PORT. */
export const ListenAddress = Type.String({
  pattern: '^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+):[0-9]{1,5}$',
  maxLength: 300,
});

/** How a service logs: JSON lines (pino) or a human format, and optionally to a rotating file. */
export const LogConfig = Type.Object(
  {
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('pretty')])),
    /** Also write JSON lines to this file, rotated by size (and optionally by time). */
    file: Type.Optional(File),
    /** Rotate when the file reaches this size: 10M, 500K, 1G (default 10M). */
    rotateSize: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}[KMG]$' })),
    /** Rotate at least this often: 1d, 12h (default: by size only). */
    rotateInterval: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}[mhd]$' })),
    /** Rotated files kept (default 10). */
    maxFiles: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  closed,
);
export type LogConfig = Type.Static<typeof LogConfig>;

export const HubDatabaseConfig = Type.Union([
  Type.Object({ sqlite: File }, closed),
  Type.Object(
    {
      /** postgres://user@host/db; the password belongs in ~/.pgpass or PGPASSWORD, not here. */
      postgres: Type.String({ pattern: '^postgres(ql)?://', maxLength: 4096 }),
      poolMax: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    },
    closed,
  ),
]);
export type HubDatabaseConfig = Type.Static<typeof HubDatabaseConfig>;

export const TlsFiles = Type.Object({ certFile: File, keyFile: File, caFile: Type.Optional(File) }, closed);
export type TlsFiles = Type.Static<typeof TlsFiles>;

export const HubBrokerConfig = Type.Union([
  Type.Object(
    {
      mode: Type.Literal('embedded'),
      host: Host,
      port: Port,
      /** Serve MQTT over TLS (mqtts://) so agent secrets never cross the network in clear. */
      tls: Type.Optional(TlsFiles),
    },
    closed,
  ),
  Type.Object(
    {
      mode: Type.Literal('external'),
      url: Type.String({ pattern: '^mqtts?://', maxLength: 4096 }),
      username: Type.String({ minLength: 1, maxLength: 256 }),
      /** A file holding the hub's broker password (written by `cellfleet-hub broker-config`). */
      passwordFile: File,
      caFile: Type.Optional(File),
      /** MQTT shared-subscription group; replicas with the same group split the ingest. */
      shareGroup: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
    },
    closed,
  ),
]);
export type HubBrokerConfig = Type.Static<typeof HubBrokerConfig>;

export const HubConfig = Type.Object(
  {
    database: HubDatabaseConfig,
    http: Type.Object(
      {
        host: Host,
        port: Port,
        /** Serve the API and UI over HTTPS with this PEM certificate and key (`--http-tls-cert/-key`). */
        tls: Type.Optional(Type.Object({ certFile: File, keyFile: File }, closed)),
        /**
         * Believe X-Forwarded-For/-Proto from these proxy addresses (IPs or CIDRs), or from any
         * peer (`true`: only when nothing but the proxy can reach the hub). Off by default: the
         * client address throttles logins, and the protocol decides the cookie's Secure flag.
         */
        trustProxy: Type.Optional(
          Type.Union([
            Type.Boolean(),
            Type.Array(Type.String({ pattern: '^[0-9A-Fa-f:.]+(/[0-9]{1,3})?$', maxLength: 64 }), {
              minItems: 1,
              maxItems: 64,
            }),
          ]),
        ),
      },
      closed,
    ),
    broker: HubBrokerConfig,
    actions: Type.Optional(
      Type.Object(
        {
          /** Re-send a dispatched action nobody answered after this long, while its window is open. */
          redispatchAfterMs: Type.Optional(Type.Integer({ minimum: 1000, maximum: 86_400_000 })),
          /** How often the scheduler looks for windows that opened. */
          schedulerIntervalMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 60_000 })),
          /** Signed agent builds for upgrade-agent (default: agent-builds beside a SQLite database). */
          agentBuildsDir: Type.Optional(File),
        },
        closed,
      ),
    ),
    /**
     * Each agent's ingest budget at the embedded broker (issue 12): beyond it the agent's
     * connection is read more slowly, so a flood cannot starve the others. An external broker
     * is configured on its own (docs/deploy.md).
     */
    ingest: Type.Optional(
      Type.Object(
        {
          /** PUBLISH packets per second per agent (default 200; bursts of 2 s are allowed). */
          messagesPerSec: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
          /** Bytes per second per agent (default 4 MiB); at least one largest packet. */
          bytesPerSec: Type.Optional(Type.Integer({ minimum: 262_144, maximum: 1_073_741_824 })),
        },
        closed,
      ),
    ),
    /** The fleet trend's counts (issue 16): the hub stores one at start, every interval, and after changes. */
    history: Type.Optional(
      Type.Object(
        {
          /** How often the fleet's faulted and offline cells are counted (default 60 s). */
          sampleIntervalMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 3_600_000 })),
          /** A count is also taken this long after the fleet changed, at most once per this long (default 5 s). */
          settleMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 600_000 })),
        },
        closed,
      ),
    ),
    logLevel: Type.Optional(LogLevel),
    log: Type.Optional(LogConfig),
    metrics: Type.Optional(
      Type.Object(
        {
          /** Also serve GET /metrics on this HOST:PORT (same tokens), e.g. a management network. */
          listen: Type.Optional(ListenAddress),
        },
        closed,
      ),
    ),
    notifications: Type.Optional(
      Type.Object(
        {
          /** The hub's address as people reach it, for the links in a notification. */
          publicUrl: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2048 })),
          /** A recovery is told once the cell has stayed healthy this long (flapping stays one incident). */
          settleMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400_000 })),
          /** How often the delivery loop looks for due notifications. */
          deliveryIntervalMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 60_000 })),
        },
        closed,
      ),
    ),
  },
  closed,
);
export type HubConfig = Type.Static<typeof HubConfig>;
