// The role table of the whole API, held against the running hub: every operation of the
// OpenAPI document is a route of the contract (and back), and every route is called with no
// caller and with every role. Below its role a caller is refused (401 without a caller, 403
// with too small a role); from its role up a caller gets through; every route declared
// audited writes an audit record when it succeeds, and a refusal its service decides is
// audited too. A route added to the contract without a sample input below fails this test.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { encodePcapng, type Snapshot } from '@cellfleet/core';
import { API, ROLES, type Role, type RouteName, type RouteSpec } from '@cellfleet/protocol';
import pino from 'pino';
import { buildHub, type Hub } from './hub.ts';
import { chunks, hashOf } from './snapshots/messages.test-support.ts';

const CELL = 'plant1.lineA.press-01';
const GROUP = 'presses';
const RANK: Record<Role, number> = { metrics: 0, viewer: 1, engineer: 2, approver: 3, admin: 4 };
const USER_OF: Record<Role, string> = {
  metrics: 'prometheus',
  viewer: 'vic',
  engineer: 'erin',
  approver: 'alex',
  admin: 'ada',
};

let hub: Hub;
let base = '';
const tokens = {} as Record<Role, string>;
const viewerPassword = '';
let ids = 0;
const id = () => `m-${String(++ids).padStart(8, '0')}`;
const unique = (prefix: string) => `${prefix}-${String(++ids).padStart(4, '0')}`;

const speedAt = (value: number, takenAt: number): Snapshot => ({
  format: 1,
  endpoint: 'kepware',
  takenAt,
  status: { state: 'complete', nodes: 1 },
  entries: {
    'server.softwareVersion': '6.16.1',
    '/Objects/Recipe/Speed': { class: 'Variable', dataType: 'Double', access: 'RW', value },
  },
});
const first = speedAt(100, 1_000);

interface Sample {
  params?: Record<string, string>;
  query?: Record<string, string | number>;
  body?: unknown;
  /** A token to call with instead of the role's own (logout ends the session it is called with). */
  token?: string;
}

const proposed = async (by: Role = 'engineer') =>
  (
    await hub.services.actions.propose(
      { name: USER_OF[by], role: by },
      { type: 'run-maintenance-script', params: { name: 'restart' }, cells: [CELL], reason: 'role walk' },
      Date.now(),
    )
  ).id;
const window = async () =>
  (
    await hub.services.actions.windows.create(
      'ada',
      {
        name: unique('w'),
        site: 'plant1',
        spec: { kind: 'daily', start: '00:00', end: '23:59', timeZone: 'UTC' },
      },
      Date.now(),
    )
  ).id;
const user = async () => {
  const name = unique('user');
  await hub.services.auth.addUser('test', name, 'viewer');
  return name;
};
const enrollToken = () =>
  hub.services.enrollTokens.create(
    'ada',
    {
      site: 'plant1',
      line: 'lineB',
      cell: unique('tok'),
      sisterGroup: GROUP,
      endpoints: [],
      brokerUrl: 'mqtt://127.0.0.1:1883',
    },
    Date.now(),
  );
const WEBHOOK = {
  kind: 'webhook',
  config: { url: 'http://127.0.0.1:9/hook', secret: 's'.repeat(32) },
} as const;
const channel = async () =>
  (await hub.notify.createChannel('ada', { name: unique('ch'), ...WEBHOOK }, Date.now())).id;
const notifyRoute = async () =>
  (await hub.notify.createRoute('ada', { channelId: await channel() }, Date.now())).id;
const WINDOW_INPUT = {
  name: 'night shift',
  site: 'plant1',
  spec: { kind: 'daily', start: '01:00', end: '02:00', timeZone: 'UTC' },
};

/** A valid request for each route; state-changing routes get fresh objects to change. */
const SAMPLES: Record<RouteName, (role: Role) => Promise<Sample> | Sample> = {
  listCells: () => ({}),
  getCell: () => ({ params: { id: CELL } }),
  getNotebook: () => ({ params: { id: CELL } }),
  getFleetTrend: () => ({ query: { range: '7d' } }),
  getCellHistory: () => ({ params: { id: CELL }, query: { range: '24h' } }),
  getCapture: () => ({ params: { id: CELL, endpoint: 'kepware' }, query: { client: 'ignition-gateway' } }),
  getRefusals: () => ({ params: { id: CELL } }),
  getTrust: () => ({ params: { id: CELL } }),
  events: () => ({}),
  getComparison: () => ({ params: { group: GROUP } }),
  getGroupRules: () => ({ params: { group: GROUP } }),
  putGroupRules: () => ({ params: { group: GROUP }, body: { ignore: ['server.buildDate'] } }),
  pinGolden: () => ({ params: { group: GROUP }, body: { cell: CELL } }),
  listSnapshots: () => ({ params: { id: CELL } }),
  getSnapshot: () => ({ params: { id: CELL, hash: 'latest' } }),
  getDiff: () => ({ params: { id: CELL } }),
  listDrift: () => ({ params: { id: CELL } }),
  proposeAction: () => ({
    body: { type: 'run-maintenance-script', params: { name: 'restart' }, cells: [CELL], reason: 'role walk' },
  }),
  listActions: () => ({}),
  getAction: async () => ({ params: { id: await proposed() } }),
  approveAction: async () => ({ params: { id: await proposed() }, body: {} }),
  rejectAction: async () => ({ params: { id: await proposed() }, body: { reason: 'not tonight' } }),
  // The proposer may cancel; so may an approver. The engineer of this walk proposed it.
  cancelAction: async () => ({ params: { id: await proposed() }, body: { reason: 'not needed' } }),
  proposeFromSnapshots: () => ({
    params: { id: CELL },
    body: { mode: 'restore', hash: hashOf(first), reason: 'back to the recipe of the first snapshot' },
  }),
  listWindows: () => ({}),
  getWindow: async () => ({ params: { id: await window() } }),
  createWindow: () => ({ body: { ...WINDOW_INPUT, name: unique('w') } }),
  updateWindow: async () => ({ params: { id: await window() }, body: WINDOW_INPUT }),
  deleteWindow: async () => ({ params: { id: await window() } }),
  login: () => ({ body: { name: USER_OF.viewer, password: viewerPassword } }),
  logout: async (role) => ({ token: await hub.services.auth.issueApiToken('test', USER_OF[role]) }),
  me: () => ({}),
  listUsers: () => ({}),
  createUser: () => ({ body: { name: unique('new'), role: 'viewer' } }),
  updateUser: async () => ({ params: { name: await user() }, body: { role: 'engineer' } }),
  issueToken: async () => ({ params: { name: await user() } }),
  listAudit: () => ({}),
  verifyAudit: () => ({}),
  listActionKeys: () => ({}),
  createEnrollToken: () => ({
    body: {
      site: 'plant1',
      line: 'lineB',
      cell: unique('tok'),
      sisterGroup: GROUP,
      brokerUrl: 'mqtt://127.0.0.1:1883',
    },
  }),
  listEnrollTokens: () => ({}),
  revokeEnrollToken: async () => ({ params: { id: (await enrollToken()).id } }),
  enroll: async () => ({ body: { token: (await enrollToken()).token } }),
  listAgentBuilds: () => ({}),
  // A user's token is not an agent's credentials: 404 whatever the role (build-routes.ts).
  getAgentBuild: () => ({ params: { sha256: 'a'.repeat(64) } }),
  openapi: () => ({}),
  metrics: () => ({}),
  listChannels: () => ({}),
  createChannel: () => ({ body: { name: unique('ch'), ...WEBHOOK } }),
  deleteChannel: async () => ({ params: { id: await channel() } }),
  testChannel: async () => ({ params: { id: await channel() } }),
  listNotificationRoutes: () => ({}),
  createNotificationRoute: async () => ({ body: { channelId: await channel(), group: GROUP } }),
  deleteNotificationRoute: async () => ({ params: { id: await notifyRoute() } }),
  listDeliveries: () => ({}),
  listIncidents: () => ({ query: { status: 'all' } }),
  listCertificates: () => ({ query: { format: 'csv' } }),
  listChanges: () => ({ query: { kind: 'action' } }),
};

async function call(spec: RouteSpec, sample: Sample, token: string | undefined) {
  let path = spec.path;
  for (const [k, v] of Object.entries(sample.params ?? {}))
    path = path.replace(`:${k}`, encodeURIComponent(v));
  const q = new URLSearchParams(
    Object.entries(sample.query ?? {}).map(([k, v]): [string, string] => [k, String(v)]),
  );
  const abort = new AbortController();
  const res = await fetch(`${base}${path}${q.size > 0 ? `?${q}` : ''}`, {
    method: spec.method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(sample.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(sample.body === undefined ? {} : { body: JSON.stringify(sample.body) }),
    signal: abort.signal,
  });
  // A stream (the live events) never ends: its status is the answer.
  if (res.headers.get('content-type')?.startsWith('text/event-stream')) abort.abort();
  else await res.arrayBuffer();
  return res.status;
}

const auditCount = async () => (await hub.services.audit.list({ limit: 100_000 })).length;

before(async () => {
  hub = await buildHub(
    {
      database: { sqlite: ':memory:' },
      http: { host: '127.0.0.1', port: 0 },
      broker: { mode: 'embedded', host: '127.0.0.1', port: 0 },
    },
    { logger: pino({ level: 'silent' }) },
  );
  await hub.app.listen({ host: '127.0.0.1', port: 0 });
  const address = hub.app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  for (const role of ROLES)
    tokens[role] = (await hub.services.auth.addUser('test', USER_OF[role], role)).token;
  for (const cell of ['press-01', 'press-02'])
    await hub.services.cells.enroll({
      id: `plant1.lineA.${cell}`,
      site: 'plant1',
      line: 'lineA',
      cell,
      sisterGroup: GROUP,
      secretHash: 'a'.repeat(64),
      enrolledAt: 1,
    });
  // The last failing capture of press-01's Ignition client (issue 17), for the download route.
  await hub.services.captures.keep(CELL, {
    endpoint: 'kepware',
    client: 'ignition-gateway',
    at: 1,
    code: 'client-cert-untrusted',
    pcapng: Buffer.from(encodePcapng({ connections: [] })).toString('base64'),
  });
  // Two snapshots of press-01 (its recipe speed changed), one of press-02; a window for actions.
  for (const m of chunks(CELL, first, 1, id)) await hub.services.snapshots.ingest(m);
  for (const m of chunks(CELL, speedAt(120, 2_000), 1, id)) await hub.services.snapshots.ingest(m);
  for (const m of chunks('plant1.lineA.press-02', first, 1, id)) await hub.services.snapshots.ingest(m);
  await window();
});
after(() => hub.stop());

test('the OpenAPI document and the contract name the same routes', async () => {
  const doc = (await (
    await fetch(`${base}/api/openapi.json`, { headers: { authorization: `Bearer ${tokens.admin}` } })
  ).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const documented = Object.entries(doc.paths)
    .filter(([path]) => path.startsWith('/api/') || path === API.metrics.path)
    .flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    )
    .filter((op) => !op.startsWith('HEAD '))
    .sort();
  const declared = Object.values(API)
    .map((r) => `${r.method} ${r.path}`)
    .sort();
  assert.deepEqual(documented, declared);
});

for (const [name, spec] of Object.entries(API) as Array<[RouteName, RouteSpec]>) {
  test(`role table: ${spec.method} ${spec.path} needs ${spec.role}${spec.audited ? ', audited' : ''}`, async () => {
    const sample = SAMPLES[name];
    assert.ok(sample, `no sample input for route ${name}: add one to SAMPLES`);
    const anonymous = await call(spec, await sample('viewer'), undefined);
    if (spec.role === 'public') assert.notEqual(anonymous, 401, 'a public route needs no caller');
    else assert.equal(anonymous, 401, 'no caller');
    for (const role of ROLES) {
      const s = await sample(role);
      const before = await auditCount();
      const status = await call(spec, s, s.token ?? tokens[role]);
      const allowed = spec.role === 'public' || RANK[role] >= RANK[spec.role];
      if (!allowed) {
        assert.equal(status, 403, `${role} is below ${spec.role}`);
        // The service decides for signed-in users; a metrics token is refused by the guard.
        if (spec.roleCheck === 'service' && role !== 'metrics')
          assert.ok((await auditCount()) > before, `${role}'s refusal by the service is audited`);
        continue;
      }
      assert.ok(status !== 401 && status !== 403, `${role} may call it, got ${status}`);
      if (spec.audited && role === spec.role) {
        assert.ok(
          status >= 200 && status < 300,
          `${role}'s call succeeds (status ${status}): fix its sample`,
        );
        assert.ok((await auditCount()) > before, 'a successful change is audited');
      }
    }
  });
}

test("a golden baseline comes from the group's own cells: another group's cell is refused, nothing audited", async () => {
  const lathe = 'plant1.lineA.lathe-01';
  await hub.services.cells.enroll({
    id: lathe,
    site: 'plant1',
    line: 'lineA',
    cell: 'lathe-01',
    sisterGroup: 'lathes',
    secretHash: 'a'.repeat(64),
    enrolledAt: 1,
  });
  for (const m of chunks(lathe, speedAt(300, 3_000), 1, id)) await hub.services.snapshots.ingest(m);
  const before = await auditCount();
  const res = await fetch(`${base}/api/groups/${GROUP}/golden`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.engineer}`, 'content-type': 'application/json' },
    body: JSON.stringify({ cell: lathe }),
  });
  assert.equal(res.status, 409);
  assert.deepEqual(await res.json(), {
    code: 'conflict',
    message: `${lathe} is not in sister group "${GROUP}"`,
    field: 'cell',
  });
  assert.equal(await auditCount(), before);
});
