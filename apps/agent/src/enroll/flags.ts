// The flags of a token enrollment, shared by `enroll` and `run --enroll-token` (a small module:
// `run` loads the exchange code only when it enrolls).
import { AgentError } from '../errors.ts';

export interface EnrollFlags {
  readonly token: string;
  readonly hub: string;
  readonly config: string;
  readonly fingerprint?: string;
  readonly caFile?: string;
}

/** The flags `enroll` and `run` share. */
export const ENROLL_OPTIONS = {
  hub: { type: 'string' },
  'hub-fingerprint': { type: 'string' },
  'hub-ca': { type: 'string' },
} as const;

export function enrollFlagsOf(
  v: { hub?: string; 'hub-fingerprint'?: string; 'hub-ca'?: string },
  token: string,
  config: string | undefined,
): EnrollFlags {
  if (!v.hub)
    throw new AgentError('usage', "--hub URL is required with a token (the hub's https:// address)");
  if (!config) throw new AgentError('usage', '--config FILE is required (where the config is written)');
  if (v['hub-fingerprint'] && v['hub-ca'])
    throw new AgentError('usage', '--hub-fingerprint and --hub-ca: give one of them');
  return {
    token,
    hub: v.hub,
    config,
    ...(v['hub-fingerprint'] ? { fingerprint: v['hub-fingerprint'] } : {}),
    ...(v['hub-ca'] ? { caFile: v['hub-ca'] } : {}),
  };
}
