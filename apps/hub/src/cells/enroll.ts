// Enrollment: register a cell and produce the agent's config file with its new credentials.
// The secret is shown once, in the printed config; the hub keeps only its hash.
import { type ActionKey, type CellRef, cellId, type Identity, segmentProblem } from '@cellfleet/protocol';
import { stringify } from 'yaml';
import { mosquittoHash } from '../broker/mosquitto.ts';
import { hashAgentSecret, newAgentSecret } from './secrets.ts';
import type { CellStore } from './store.ts';

export interface EnrollRequest extends CellRef {
  readonly sisterGroup: string;
  readonly endpoints: ReadonlyArray<{ name: string; url: string }>;
}

export interface EnrollResult {
  readonly id: string;
  readonly secret: string;
  readonly config: Record<string, unknown>;
  readonly yaml: string;
}

export class EnrollError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field} ${message}`);
    this.field = field;
  }
}

export async function enrollCell(
  store: CellStore,
  req: EnrollRequest,
  hub: { url: string; actionKeys?: readonly ActionKey[]; now: number },
): Promise<EnrollResult> {
  for (const field of ['site', 'line', 'cell', 'sisterGroup'] as const) {
    const problem = segmentProblem(req[field]);
    if (problem)
      throw new EnrollError(`--${field === 'sisterGroup' ? 'group' : field}`, `"${req[field]}" ${problem}`);
  }
  const id = cellId(req);
  const secret = newAgentSecret();
  await store.enroll({
    ...pick(req),
    id,
    secretHash: hashAgentSecret(secret),
    brokerHash: mosquittoHash(secret),
    enrolledAt: hub.now,
  });
  const identity: Identity = { site: req.site, line: req.line, cell: req.cell, sisterGroup: req.sisterGroup };
  const config = {
    identity,
    hub: {
      url: hub.url,
      username: id,
      password: secret,
      ...(hub.actionKeys ? { actionKeys: hub.actionKeys } : {}),
    },
    endpoints:
      req.endpoints.length > 0 ? req.endpoints : [{ name: 'opcua', url: 'opc.tcp://127.0.0.1:4840' }],
  };
  const yaml = `# Cellfleet agent config for ${id}, enrolled ${new Date(hub.now).toISOString()}.\n# Contains this agent's secret: keep it readable only by the agent's user (chmod 600).\n${stringify(config)}`;
  return { id, secret, config, yaml };
}

const pick = (r: EnrollRequest) => ({ site: r.site, line: r.line, cell: r.cell, sisterGroup: r.sisterGroup });
