// The agent's half of a one-time enrollment (issue 14, item 3): POST the token to the hub's
// /api/enroll over a checked HTTPS connection (link/hub-http.ts) and get back this cell's
// credentials and the hub's action keys, checked against the protocol's schema.
import {
  compileChecker,
  type EnrollExchangeResponse,
  EnrollExchangeResponse as Schema,
} from '@cellfleet/protocol';
import { AgentError } from '../errors.ts';
import { type HubApi, hubRequest, readAll } from '../link/hub-http.ts';

export { normalizeFingerprint, parseHubUrl } from '../link/hub-http.ts';

export interface ExchangeOptions {
  /** The hub's HTTP(S) address, e.g. https://hub.plant1:8080. */
  readonly hub: string;
  readonly token: string;
  readonly fingerprint?: string;
  readonly caFile?: string;
  readonly timeoutMs?: number;
}

/** Bigger than any real answer (a config with 64 endpoints and 8 keys is a few kB). */
const MAX_ANSWER_BYTES = 1024 * 1024;
const checker = compileChecker<EnrollExchangeResponse>(Schema, 'answer');

/** Exchanges the token; the answer is checked against the protocol's schema before it is used. */
export async function exchangeEnrollToken(o: ExchangeOptions): Promise<EnrollExchangeResponse> {
  const api: HubApi = {
    url: o.hub,
    ...(o.fingerprint ? { fingerprint: o.fingerprint } : {}),
    ...(o.caFile ? { caFile: o.caFile } : {}),
  };
  const origin = new URL(o.hub).origin;
  const res = await hubRequest(api, {
    method: 'POST',
    path: '/api/enroll',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: o.token }),
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
  });
  const status = res.statusCode ?? 0;
  const text = await readAll(res, MAX_ANSWER_BYTES);
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    throw new AgentError('io', `${origin}/api/enroll answered ${status} with something that is not JSON`);
  }
  if (status !== 200) {
    const message = (answer as { message?: unknown } | null)?.message;
    throw new AgentError(
      'io',
      `the hub refused the enrollment (${status}): ${typeof message === 'string' ? message.slice(0, 300) : 'no reason given'}`,
    );
  }
  if (!checker.check(answer)) {
    const issues = checker.issues(answer).map((i) => `${i.field} ${i.reason}`);
    throw new AgentError('io', `the hub's enrollment answer is malformed: ${issues.join('; ')}`);
  }
  return answer;
}
