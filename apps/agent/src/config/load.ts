// Reads and validates the agent's YAML config, then fills in defaults. Errors name the file,
// the field and what was expected, e.g.
//   /etc/cellfleet/agent.yaml: endpoints[0].url must match pattern "^opc\.tcp://"
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import {
  type ActionKey,
  type AgentConfig,
  AgentConfigSchema,
  compileChecker,
  type EndpointConfig,
  findUnknownKeys,
  formatUnknownKey,
  type Identity,
  type LogConfig,
  type MaintenanceScript,
} from '@cellfleet/protocol';
import { parseDocument } from 'yaml';
import { AgentError } from '../errors.ts';
import { resolveClients } from './clients.ts';

export interface ResolvedConfig {
  readonly file: string;
  readonly identity: Identity;
  readonly hub: {
    url: string;
    username: string;
    password: string;
    caFile?: string;
    keepaliveSec: number;
    actionKeys: readonly ActionKey[];
    /** The hub's API (token enrollment writes it): where upgrade-agent fetches builds. */
    api?: { url: string; fingerprint?: string; caFile?: string };
  };
  readonly endpoints: readonly EndpointConfig[];
  readonly probe: { intervalMs: number; timeoutMs: number };
  readonly outbox: { maxMessages: number; maxBytes: number; maxAgeMs: number };
  readonly maintenance: { scripts: Readonly<Record<string, MaintenanceScript>>; lockFile?: string };
  readonly dataDir: string;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly log?: LogConfig;
  /** Loopback port for the agent's own /metrics; absent = off. */
  readonly metricsPort?: number;
}

export const DEFAULTS = {
  keepaliveSec: 30,
  probeIntervalMs: 5 * 60_000,
  probeTimeoutMs: 15_000,
  outboxMaxMessages: 100_000,
  outboxMaxBytes: 256 * 1024 * 1024,
  outboxMaxAgeMs: 7 * 24 * 3600_000,
} as const;

const checker = compileChecker<AgentConfig>(AgentConfigSchema);

export function parseConfig(text: string, file: string): ResolvedConfig {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new AgentError('config-invalid', `${file}: not valid YAML (${e.message.split('\n')[0]})`);
  }
  const raw: unknown = doc.toJS();
  // A misspelled key would otherwise be ignored and its default used (issue 12: trustOnFirstUSE).
  const unknown = findUnknownKeys(AgentConfigSchema, raw).map((u) => `${file}: ${formatUnknownKey(u)}`);
  if (unknown.length > 0 || !checker.check(raw)) {
    const issues = checker.issues(raw).map((i) => `${file}: ${i.field} ${i.reason}`);
    throw new AgentError('config-invalid', [...unknown, ...issues].join('\n'));
  }
  const names = new Set<string>();
  raw.endpoints.forEach((ep, i) => {
    if (names.has(ep.name)) {
      throw new AgentError('config-invalid', `${file}: endpoints[${i}].name "${ep.name}" is used twice`);
    }
    names.add(ep.name);
    if (ep.password !== undefined && ep.user === undefined) {
      throw new AgentError(
        'config-invalid',
        `${file}: endpoints[${i}].password is set but endpoints[${i}].user is not`,
      );
    }
  });
  return resolveDefaults(raw, file);
}

function resolveDefaults(raw: AgentConfig, file: string): ResolvedConfig {
  const base = dirname(resolve(file));
  const dataDir = raw.dataDir ?? 'data';
  return {
    file,
    identity: raw.identity,
    hub: {
      url: raw.hub.url,
      username: raw.hub.username,
      password: raw.hub.password,
      keepaliveSec: raw.hub.keepaliveSec ?? DEFAULTS.keepaliveSec,
      ...(raw.hub.caFile
        ? { caFile: isAbsolute(raw.hub.caFile) ? raw.hub.caFile : resolve(base, raw.hub.caFile) }
        : {}),
      actionKeys: raw.hub.actionKeys ?? [],
      ...(raw.hub.api
        ? {
            api: {
              url: raw.hub.api.url,
              ...(raw.hub.api.fingerprint ? { fingerprint: raw.hub.api.fingerprint } : {}),
              ...(raw.hub.api.caFile
                ? {
                    caFile: isAbsolute(raw.hub.api.caFile)
                      ? raw.hub.api.caFile
                      : resolve(base, raw.hub.api.caFile),
                  }
                : {}),
            },
          }
        : {}),
    },
    endpoints: raw.endpoints.map((ep, i) => resolveClients(ep, i, { file, base })),
    probe: {
      intervalMs: raw.probe?.intervalMs ?? DEFAULTS.probeIntervalMs,
      timeoutMs: raw.probe?.timeoutMs ?? DEFAULTS.probeTimeoutMs,
    },
    outbox: {
      maxMessages: raw.outbox?.maxMessages ?? DEFAULTS.outboxMaxMessages,
      maxBytes: raw.outbox?.maxBytes ?? DEFAULTS.outboxMaxBytes,
      maxAgeMs: raw.outbox?.maxAgeMs ?? DEFAULTS.outboxMaxAgeMs,
    },
    maintenance: {
      scripts: raw.maintenance?.scripts ?? {},
      ...(raw.maintenance?.lockFile ? { lockFile: resolve(base, raw.maintenance.lockFile) } : {}),
    },
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(base, dataDir),
    logLevel: raw.logLevel ?? 'info',
    ...(raw.log
      ? { log: { ...raw.log, ...(raw.log.file ? { file: resolve(base, raw.log.file) } : {}) } }
      : {}),
    ...(raw.metrics ? { metricsPort: raw.metrics.port } : {}),
  };
}

export function loadConfig(file: string): ResolvedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason =
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new AgentError('config-unreadable', `${file}: cannot read config (${reason})`, { cause: err });
  }
  return parseConfig(text, file);
}
