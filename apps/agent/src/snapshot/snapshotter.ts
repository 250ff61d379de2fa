// takeSnapshot: one configuration snapshot of one endpoint over an already-open session
// (dependency injection: the caller decides security, identity and PKI; see ../opcua).
import { createHmac } from 'node:crypto';
import {
  canonicalJson,
  type Json,
  type RuleSet,
  ruleSet,
  type Snapshot,
  type SnapshotEntries,
  type SnapshotStatus,
} from '@cellfleet/core';
import type { ClientSession, EndpointDescription } from 'node-opcua-client';
import type { BatchContext, RequestCounts } from './batch.ts';
import { defaultRoots, type Root, type RootContext, resolveRoot } from './roots.ts';
import {
  batchLimits,
  certificateEntries,
  endpointEntries,
  type LimitOptions,
  readServerInfo,
} from './server-info.ts';
import { toJson } from './values.ts';
import { walk } from './walker.ts';

export interface SnapshotOptions extends LimitOptions {
  /** The agent's name for the endpoint (config `endpoints[].name`). */
  readonly endpoint: string;
  /** Node ids or browse paths; default: see roots.ts. */
  readonly roots?: readonly string[];
  readonly rules?: RuleSet;
  /** Default 50,000: enough for a large Kepware project, bounded for a small IPC. */
  readonly maxNodes?: number;
  readonly maxDepth?: number;
  /** From GetEndpoints; when absent the session's own client is asked. */
  readonly endpoints?: readonly EndpointDescription[];
  /** Salt for secret fingerprints; without it a secret is recorded only as redacted. */
  readonly secretSalt?: string;
  /** maxAge for value reads; default 10 s so Kepware may answer from its cache. */
  readonly maxAgeMs?: number;
  readonly now: () => number;
  readonly onProgress?: (p: { nodes: number; requests: number }) => void;
}

export interface SnapshotStats {
  readonly requests: RequestCounts;
  readonly durationMs: number;
  readonly nodes: number;
}

export interface SnapshotRun {
  readonly snapshot: Snapshot;
  readonly stats: SnapshotStats;
}

export const DEFAULT_MAX_NODES = 50_000;

/** HMAC-SHA256(salt, canonical value), 16 hex: a changed secret changes the marker; the hub
 * cannot recover the secret and cannot compare it across agents (each has its own salt). */
export function secretFingerprint(salt: string, value: unknown): string {
  return createHmac('sha256', salt)
    .update(canonicalJson(toJson(value)))
    .digest('hex')
    .slice(0, 16);
}

function redactor(salt: string | undefined): (value: unknown) => Json {
  return (value) =>
    salt === undefined ? { $redacted: true } : { $redacted: true, fp: secretFingerprint(salt, value) };
}

async function endpointsOf(session: ClientSession, given?: readonly EndpointDescription[]) {
  if (given) return given;
  // ClientSessionImpl keeps its client; GetEndpoints needs no session (Part 4 §5.4.4).
  const client = (session as unknown as { _client?: { getEndpoints?: () => Promise<EndpointDescription[]> } })
    ._client;
  return client?.getEndpoints ? await client.getEndpoints() : [session.endpoint];
}

const total = (c: RequestCounts) => c.browse + c.browseNext + c.read;

export async function takeSnapshot(session: ClientSession, o: SnapshotOptions): Promise<SnapshotRun> {
  const started = o.now();
  const counts: RequestCounts = { browse: 0, browseNext: 0, read: 0 };
  const info = await readServerInfo(session, counts);
  const ctx: BatchContext = {
    session,
    counts,
    limits: batchLimits(info.limits, o),
    maxAgeMs: o.maxAgeMs ?? 10_000,
  };
  const endpoints = await endpointsOf(session, o.endpoints);
  const cert = session.serverCertificate?.length
    ? session.serverCertificate
    : endpoints.find((e) => e.serverCertificate?.length)?.serverCertificate;
  const rootCtx: RootContext = { batch: ctx, namespaces: info.namespaces, serverUri: info.serverUri };
  const roots: Root[] = o.roots?.length
    ? await Promise.all(o.roots.map((r) => resolveRoot(rootCtx, r)))
    : await defaultRoots(rootCtx);
  const maxNodes = o.maxNodes ?? DEFAULT_MAX_NODES;
  const entries: SnapshotEntries = {
    ...info.entries,
    ...endpointEntries(endpoints),
    ...certificateEntries(cert ?? null),
    roots: roots.map((r) => r.key),
  };
  const walked = await walk(ctx, roots, {
    entries,
    rules: o.rules ?? ruleSet(),
    maxNodes,
    maxDepth: o.maxDepth ?? 32,
    namespaces: info.namespaces,
    serverUri: info.serverUri,
    redact: redactor(o.secretSalt),
    onLevel: (nodes) => o.onProgress?.({ nodes, requests: total(counts) }),
  });
  const status: SnapshotStatus = {
    state: walked.truncated === undefined ? 'complete' : 'truncated',
    nodes: walked.nodes,
    ...(walked.truncated === undefined ? {} : { reason: walked.truncated }),
    ...(walked.notes.length + info.notes.length > 0 ? { notes: [...info.notes, ...walked.notes] } : {}),
  };
  const takenAt = o.now();
  return {
    snapshot: { format: 1, endpoint: o.endpoint, takenAt, status, entries },
    stats: { requests: { ...counts }, durationMs: takenAt - started, nodes: walked.nodes },
  };
}
