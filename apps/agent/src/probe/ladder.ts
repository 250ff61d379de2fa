// probeEndpoint: walks the ladder of PRODUCT.md ("The probe ladder"), one timed rung at a
// time, stops at the first failure, always closes what it opened, and hands the evidence to
// the pure diagnose() of @cellfleet/core. The whole walk is bounded by `timeoutMs` (plus the
// short cleanup of quietly()).
import {
  type DiagnoseResult,
  diagnose,
  encodePcapng,
  healthSignals,
  OPCUA_PORT,
  type ProbeEvidence,
  type StepName,
} from '@cellfleet/core';
import type { ClientConfig, EndpointConfig, ProbeBody } from '@cellfleet/protocol';
import type { ClientSession, EndpointDescription, OPCUAClient } from 'node-opcua-client';
import { createClient, identityFor, modeValue, policyUri, toEndpointEvidence } from '../opcua/client.ts';
import { type Budget, budget, quietly, withDeadline } from '../opcua/deadline.ts';
import { connectDiscovery, readEndpoints } from '../opcua/discovery.ts';
import type { AgentPki } from '../pki/pki.ts';
import { requestOf, toProbeBody } from './body.ts';
import { CAPTURE_LIMITS, createCapture } from './capture.ts';
import { toCertificateEvidence } from './certificates.ts';
import { serverEventLog } from './event-log.ts';
import { readDeviceHealth } from './health.ts';
import { sayHello } from './hello.ts';
import { type Draft, runCertificates, runSelect } from './ladder-security.ts';
import { advertisedHosts, parseOpcTcpUrl, resolveHost, tcpConnect } from './network.ts';
import { readLimits, readServer } from './reads.ts';
import { createRecorder, LadderStop, type Recorder } from './recorder.ts';
import { annotate, type Tap, withTap } from './tap.ts';
import { clientEvidence, trustStoreEvidence } from './trust-store.ts';

export interface ProbeOptions {
  readonly pki: AgentPki;
  /** Upper bound for the whole probe, in ms. */
  readonly timeoutMs: number;
  /** `--vendor`: a vendor id (`siemens`) or a product id (`wincc-unified`); overrides detection. */
  readonly vendorHint?: string;
  readonly clockSkewThresholdMs?: number;
  /** Told at every rung boundary, with the evidence so far (the isolation host streams it). */
  readonly observe?: (evidence: ProbeEvidence, running: StepName | undefined) => void;
  /** Handed the probe's socket tap, for a host that must report it if node-opcua crashes. */
  readonly onTap?: (tap: Tap) => void;
  /** Probe as this cell client of the endpoint (issue 17): its URL, security, token and certificate. */
  readonly client?: ClientConfig;
}

export interface ProbeResult {
  readonly body: ProbeBody;
  readonly evidence: ProbeEvidence;
  readonly diagnosis: DiagnoseResult;
  /** The probe's own connections as pcapng (capture.ts): evidence Wireshark opens. */
  readonly capture?: Uint8Array;
}

/** Per-rung caps, so one slow rung leaves time for an honest answer about it. */
const CAP = { dns: 2000, tcp: 3000, hello: 5000, advertised: 1000 } as const;

/** Rungs where node-opcua talks to the server: the tap may know what it really sent. */
const TAPPED: ReadonlySet<StepName> = new Set(['endpoints', 'secure-channel', 'session', 'reads']);

export async function probeEndpoint(endpoint: EndpointConfig, opts: ProbeOptions): Promise<ProbeResult> {
  const capture = createCapture({ secrets: endpoint.password ? [endpoint.password] : [] });
  const result = await withTap((tap) => {
    opts.onTap?.(tap);
    return probeTapped(endpoint, opts, tap);
  }, capture);
  return {
    ...result,
    capture: encodePcapng({ connections: capture.connections(), comment: captureComment(result) }),
  };
}

function captureComment(r: ProbeResult): string {
  const as = r.body.client ? ` as ${r.body.client.label ?? r.body.client.name}` : '';
  const failed = r.body.steps.find((s) => !s.ok);
  const why = failed ? ` The ${failed.name} step failed: ${(failed.detail ?? '').slice(0, 500)}.` : '';
  return [
    `Cellfleet probe of ${r.body.url} (endpoint ${r.body.endpoint}${as}) at ${new Date(r.body.startedAt).toISOString()}: ${r.body.diagnosis.code}.${why}`,
    `The server side is written as TCP port ${OPCUA_PORT} so Wireshark decodes OPC UA; each connection's first packet names the real addresses.`,
    `Handshake chunks (HEL, ACK, ERR, OPN, CLO) are whole; MSG chunks keep their first ${CAPTURE_LIMITS.msgBytes} bytes, so user tokens and passwords are not in this file (elided by the cap; under Sign/SignAndEncrypt also encrypted).`,
  ].join(' ');
}

async function probeTapped(endpoint: EndpointConfig, opts: ProbeOptions, tap: Tap): Promise<ProbeResult> {
  const startedAt = Date.now();
  const t0 = performance.now();
  let mark = 0;
  const rec = createRecorder({
    secrets: endpoint.password ? [endpoint.password] : [],
    annotate: (error, name) => (TAPPED.has(name) ? annotate(error, tap.notes(mark)) : error),
    onChange: (running) => {
      if (running) mark = tap.opened;
      opts.observe?.(ev as ProbeEvidence, running);
    },
  });
  const asClient = opts.client ? clientEvidence(opts.client) : undefined;
  // The server's event log is read beside the walk, not before it (its own bounded time).
  const eventLog = endpoint.eventLog ? serverEventLog(endpoint.eventLog) : undefined;
  const presented = asClient?.keyAvailable ? asClient.certificate : undefined;
  const ev: Draft = {
    url: opts.client?.url ?? endpoint.url,
    endpointName: endpoint.name,
    request: requestOf(endpoint),
    steps: rec.steps,
    agentCertificate: presented ?? toCertificateEvidence(opts.pki.certificate),
    ...trustStoreEvidence(endpoint),
    ...(asClient ? { asClient } : {}),
  };
  const ctx: Ctx = {
    endpoint,
    url: ev.url,
    opts,
    rec,
    ev,
    time: budget(opts.timeoutMs),
    open: [],
  };
  try {
    await walk(ctx);
  } catch (err) {
    if (!(err instanceof LadderStop)) throw err;
  } finally {
    for (const close of ctx.open.reverse()) await close();
  }
  if (eventLog) Object.assign(ev, await eventLog);
  const evidence = ev as ProbeEvidence;
  const diagnosis = diagnose(evidence, {
    now: Date.now(),
    ...(opts.vendorHint ? { vendorHint: opts.vendorHint } : {}),
    ...(opts.clockSkewThresholdMs ? { clockSkewThresholdMs: opts.clockSkewThresholdMs } : {}),
  });
  const body = toProbeBody({ endpoint, evidence, diagnosis, startedAt, durationMs: performance.now() - t0 });
  return { body, evidence, diagnosis };
}

export interface Ctx {
  readonly endpoint: EndpointConfig;
  /** The URL dialled: the endpoint's, or the client's as that client has it configured. */
  readonly url: string;
  readonly opts: ProbeOptions;
  readonly rec: Recorder;
  readonly ev: Draft;
  readonly time: Budget;
  /** Cleanups, run in reverse order whatever happens. */
  readonly open: (() => Promise<void>)[];
}

async function walk(ctx: Ctx): Promise<void> {
  const { rec, ev, time } = ctx;
  const { host, port } = await rec.step(
    'url',
    async () => parseOpcTcpUrl(ctx.url),
    (u) => `${u.host}:${u.port}`,
  );
  ev.host = host;
  ev.port = port;
  const addresses = await rec.step(
    'dns',
    () => resolveHost(host, time.slice(CAP.dns)),
    (a) => a.join(', '),
  );
  ev.addresses = addresses;
  const address = addresses[0] ?? host;
  await rec.step(
    'tcp',
    () => tcpConnect(address, port, time.slice(CAP.tcp)),
    () => `connected to ${address}:${port}`,
  );
  await rec.step(
    'hello',
    () => sayHello({ url: ctx.url, address, port, ms: time.slice(CAP.hello) }),
    (a) =>
      `Acknowledge: buffers ${a.receiveBufferSize}/${a.sendBufferSize}, max message ${a.maxMessageSize || 'unlimited'}, max chunks ${a.maxChunkCount || 'unlimited'}`,
  );
  const descriptions = await discovery(ctx, host);
  const chosen = await runSelect(ctx);
  await runCertificates(ctx, descriptions, chosen);
  // As a client: no channel without its key, no session without its credentials (issue 17).
  if (ctx.opts.client && chosen.securityMode !== 'None' && !ctx.ev.asClient?.keyAvailable) return;
  const client = await secureChannel(ctx, chosen);
  if (ctx.opts.client && ctx.opts.client.userTokenType !== 'Anonymous') return;
  const who: Pick<EndpointConfig, 'user' | 'password'> = ctx.opts.client ? {} : ctx.endpoint;
  const session = await rec.step(
    'session',
    () => withDeadline(client.createSession(identityFor(who)), time.slice(time.remaining()), 'session'),
    () => (who.user ? `user ${who.user}` : 'anonymous'),
  );
  ctx.open.push(() => quietly(() => session.close(), 500));
  await rec.step(
    'reads',
    () => reads(ctx, session),
    (s) => s,
  );
}

/** node-opcua's None channel, then GetEndpoints (research §2.4 steps 3-4). */
async function discovery(ctx: Ctx, host: string): Promise<EndpointDescription[]> {
  const { rec, ev, time, opts } = ctx;
  let client: OPCUAClient | undefined;
  let closed = false;
  const close = async () => {
    if (!closed && client) await quietly(() => (client as OPCUAClient).disconnect(), 500);
    closed = true;
  };
  ctx.open.push(close);
  const found = await rec.step(
    'endpoints',
    async () => {
      client = await connectDiscovery(ctx.url, opts.pki, time.slice(time.remaining()));
      return readEndpoints(client, time.slice(time.remaining()));
    },
    (d) => `${d.endpoints.length} endpoints`,
  );
  await close();
  ev.endpoints = found.endpoints.map(toEndpointEvidence);
  if (found.clockOffsetMs !== undefined) ev.clockOffsetMs = found.clockOffsetMs;
  const first = found.endpoints[0]?.server;
  if (first) {
    ev.server = {
      ...(first.applicationUri ? { applicationUri: first.applicationUri } : {}),
      ...(first.productUri ? { productUri: first.productUri } : {}),
      ...(first.applicationName?.text ? { applicationName: first.applicationName.text } : {}),
    };
  }
  ev.advertisedHosts = await advertisedHosts(
    ev.endpoints.map((e) => e.endpointUrl),
    host,
    time.slice(CAP.advertised),
  );
  return found.endpoints;
}

async function secureChannel(ctx: Ctx, chosen: NonNullable<Draft['chosen']>): Promise<OPCUAClient> {
  const ms = ctx.time.slice(ctx.time.remaining());
  const as = ctx.opts.client;
  const client = createClient({
    pki: ctx.opts.pki,
    timeoutMs: ms,
    mode: modeValue(chosen.securityMode),
    policy: policyUri(chosen.securityPolicy),
    // The client's own certificate and key: the channel fails or passes as it does for it.
    ...(as?.privateKey && ctx.ev.asClient?.keyAvailable
      ? {
          as: {
            certificateFile: as.certificate,
            privateKeyFile: as.privateKey,
            applicationUri: ctx.ev.asClient.certificate?.applicationUri ?? ctx.opts.pki.applicationUri,
          },
        }
      : {}),
  });
  ctx.open.push(() => quietly(() => client.disconnect(), 500));
  await ctx.rec.step(
    'secure-channel',
    () => withDeadline(client.connect(ctx.url), ms, 'secure channel'),
    () => `${chosen.securityMode}/${chosen.securityPolicy}`,
  );
  return client;
}

async function reads(ctx: Ctx, session: ClientSession): Promise<string> {
  const { ev, time } = ctx;
  const server = await readServer(session, time.slice(time.remaining()));
  if (server.state) ev.serverState = server.state;
  if (server.clockOffsetMs !== undefined) ev.clockOffsetMs = server.clockOffsetMs;
  if (server.buildInfo) ev.buildInfo = server.buildInfo;
  if (server.namespaces) ev.namespaces = server.namespaces;
  if (server.sessionCounts) ev.sessionCounts = server.sessionCounts;
  if (server.currentTime !== undefined) ev.serverTime = server.currentTime;
  ev.operationLimits = await readLimits(session, time.slice(1000));
  const signals = healthSignals(ctx.endpoint.health?.signals, ctx.endpoint.health?.defaults ?? true);
  ev.deviceHealth = await readDeviceHealth(session, time.slice(time.remaining()), signals);
  const bad = ev.deviceHealth.filter((d) => d.bad).length;
  return `state ${server.state ?? '?'}, ${ev.namespaces?.length ?? 0} namespaces, ${ev.deviceHealth.length} health signals (${bad} bad)`;
}
