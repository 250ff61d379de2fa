// Helpers for the maintenance-window action suites (issue 5): users per role, the actions API,
// waiting for a cell's result, and an interceptor on the hub's signer that lets a test play
// an attacker (or a buggy hub) between signing and the agent.
import { generateKeyPairSync, sign } from 'node:crypto';
import { type RunningCell, startCell } from '@cellfleet/cellsim';
import { signingPayload } from '@cellfleet/core';
import type {
  ActionBody,
  ActionView,
  AuditEntryView,
  CellRunView,
  ProposeActionRequest,
  SignedAction,
} from '@cellfleet/protocol';
import { waitFor } from '@cellfleet/testkit';
import { type AgentSetup, enrollAgent, startTestHub, type TestHub } from './hub.ts';

/** The emulated Kepware cell's recipe speed (100 at start): its cellsim path and snapshot key. */
export const SPEED = 'Channel1.Device1.Recipe.Speed';
export const SPEED_KEY =
  '/Objects/{KEPServerEX}Channel1/{KEPServerEX}Device1/{KEPServerEX}Recipe/{KEPServerEX}Speed';

export interface ActionRig {
  readonly hub: TestHub;
  readonly users: Users;
  readonly cell: RunningCell;
  /** The cell's enrollment: its agent config (agents are started by each suite). */
  readonly enrolled: { id: string; configPath: string; dataDir: string };
  /** Stops the hub and the cell; a suite kills its own agents first. */
  stop(): Promise<void>;
}

/**
 * What every action suite starts from: a hub with erin/ann/eve, one emulated Kepware cell named
 * `name`, enrolled with its server certificate trusted (`agent` adds maintenance settings).
 */
export async function startActionRig(
  name: string,
  agent: Pick<AgentSetup, 'maintenance'> = {},
): Promise<ActionRig> {
  const hub = await startTestHub();
  const users = await addActionUsers(hub);
  const cell = await startCell({ kind: 'kepware', name });
  const enrolled = await enrollAgent(hub, {
    cell: name,
    endpoints: [{ name: 'kepware', url: cell.endpointUrl }],
    trustServers: [cell.serverCertificate()],
    ...agent,
  });
  return {
    hub,
    users,
    cell,
    enrolled,
    async stop() {
      await hub.stop();
      await cell.stop();
    },
  };
}

/** A manual write of the recipe speed on `cell`. */
export const writeSpeed = (
  cell: string,
  value: number,
  reason: string,
  window = windowIn(0, 60_000),
): ProposeActionRequest => ({
  type: 'write-parameters',
  params: { endpoint: 'kepware', source: { kind: 'manual' }, writes: [{ path: SPEED_KEY, value }] },
  cells: [cell],
  reason,
  window,
});

export type Users = Record<'erin' | 'ann' | 'eve', string>;

/** erin proposes (engineer), ann approves (approver), eve is an engineer who may not approve. */
export async function addActionUsers(t: TestHub): Promise<Users> {
  const add = async (name: string, role: 'engineer' | 'approver') =>
    (await t.hub.services.auth.addUser('test-setup', name, role)).token;
  return {
    erin: await add('erin', 'engineer'),
    ann: await add('ann', 'approver'),
    eve: await add('eve', 'engineer'),
  };
}

export async function api<T = ActionView & { code?: string }>(
  t: TestHub,
  token: string,
  method: 'GET' | 'POST',
  path: string,
  body?: object,
): Promise<{ status: number; json: T }> {
  const res = await fetch(`${t.hub.httpUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as T };
}

/** An explicit window from `startInMs` to `endInMs` from now. */
export const windowIn = (startInMs: number, endInMs: number) => ({
  start: Date.now() + startInMs,
  end: Date.now() + endInMs,
});

export async function propose(t: TestHub, users: Users, request: ProposeActionRequest): Promise<string> {
  const r = await api(t, users.erin, 'POST', '/api/actions', request);
  if (r.status !== 201) throw new Error(`propose → ${r.status} ${JSON.stringify(r.json)}`);
  return r.json.id;
}

export async function approve(t: TestHub, users: Users, id: string): Promise<void> {
  const r = await api(t, users.ann, 'POST', `/api/actions/${id}/approve`, { comment: 'test' });
  if (r.status !== 200) throw new Error(`approve → ${r.status} ${JSON.stringify(r.json)}`);
}

/** Waits until the cell's run has a final outcome (or the given one) and returns it. */
export async function settledRun(
  t: TestHub,
  id: string,
  cell: string,
  until: (r: CellRunView) => boolean = (r) => r.state === 'done',
  timeoutMs = 20_000,
): Promise<CellRunView> {
  return waitFor(
    `a result for ${id}`,
    async () => {
      const a = await t.get<ActionView>(`/api/actions/${id}`);
      const run = a.runs.find((r) => r.cell === cell);
      return run && until(run) ? run : undefined;
    },
    timeoutMs,
  );
}

export async function auditOf(t: TestHub, id: string): Promise<AuditEntryView[]> {
  return t.get<AuditEntryView[]>(`/api/audit?subject=${encodeURIComponent(`action:${id}`)}`);
}

export type Tamper = (
  body: ActionBody,
  resign: (a: SignedAction) => Promise<ActionBody>,
) => ActionBody | Promise<ActionBody>;

/**
 * Wraps the hub's keyring so a test can alter what one action id is dispatched as: after
 * signing (a man in the middle: tampered parameters, forged signature) or before signing with
 * the hub's real key (a compromised or buggy hub: wrong cell, no approvals, another window).
 */
export function interceptSigning(t: TestHub): { on(actionId: string, tamper: Tamper): void } {
  const keyring = t.hub.services.keyring;
  const original = keyring.sign.bind(keyring);
  const tampers = new Map<string, Tamper>();
  keyring.sign = async (action: SignedAction) => {
    const tamper = tampers.get(action.id);
    return tamper ? tamper(await original(action), original) : original(action);
  };
  return { on: (id, tamper) => tampers.set(id, tamper) };
}

/** Signs with a fresh key the agent never pinned, under the hub's own keyId. */
export function forge(body: ActionBody): ActionBody {
  const { privateKey } = generateKeyPairSync('ed25519');
  const signature = sign(null, Buffer.from(signingPayload(body.action), 'utf8'), privateKey).toString(
    'base64',
  );
  return { ...body, signature };
}
