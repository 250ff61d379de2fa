// The agent's snapshot duty: after each probe cycle, snapshot every endpoint that probed ok and
// hand the publisher's messages to the outbox. An unchanged cell costs one hash message; a
// changed one a delta against what the hub acknowledged; the hub can ask for a full copy.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRule, ruleSet, type SnapshotRule } from '@cellfleet/core';
import type { EndpointConfig, Envelope, ProbeBody } from '@cellfleet/protocol';
import type { Logger } from 'pino';
import { openSession } from '../opcua/index.ts';
import type { AgentPki } from '../pki/index.ts';
import { createSnapshotPublisher } from '../snapshot/publisher.ts';
import { takeSnapshot } from '../snapshot/snapshotter.ts';
import type { SnapshotDuty } from './agent.ts';

export interface SnapshotDutyOptions {
  readonly cell: string;
  readonly endpoints: readonly EndpointConfig[];
  readonly pki: AgentPki;
  readonly dataDir: string;
  readonly timeoutMs: number;
  readonly newId: () => string;
  readonly logger: Logger;
  readonly now?: () => number;
}

/**
 * A per-agent salt for secret fingerprints, kept in the data dir: a changed secret shows as
 * drift on this cell, while its value never leaves the agent (docs/snapshots.md).
 */
function secretSalt(dataDir: string): string {
  const file = join(dataDir, 'snapshot-salt');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

export function createSnapshotDuty(o: SnapshotDutyOptions): SnapshotDuty {
  const now = o.now ?? Date.now;
  const salt = secretSalt(o.dataDir);
  const publisher = createSnapshotPublisher({ cell: o.cell, newId: o.newId, now });
  return {
    async takeAll(probes: readonly ProbeBody[]) {
      const out: Envelope[] = [];
      for (const endpoint of o.endpoints) {
        if (!probes.some((p) => p.endpoint === endpoint.name && p.ok)) continue;
        const open = await openSession(endpoint, { pki: o.pki, timeoutMs: o.timeoutMs });
        try {
          const run = await takeSnapshot(open.session, {
            endpoint: endpoint.name,
            now,
            secretSalt: salt,
            ...(endpoint.snapshotRoots ? { roots: endpoint.snapshotRoots } : {}),
            ...(endpoint.snapshotMaxNodes ? { maxNodes: endpoint.snapshotMaxNodes } : {}),
            ...(endpoint.snapshotRules ? { rules: rulesOf(endpoint.snapshotRules) } : {}),
          });
          const publication = publisher.publish(run.snapshot);
          o.logger.info(
            { endpoint: endpoint.name, kind: publication.kind, bytes: publication.bytes },
            'snapshot taken',
          );
          out.push(...publication.messages);
        } finally {
          await open.close();
        }
      }
      return out;
    },
    acknowledged: (ids) => publisher.acknowledged(ids),
    resend: (endpoint) => publisher.resend(endpoint)?.messages ?? [],
  };
}

/** Config rules were checked by the schema's pattern, so every one parses. */
function rulesOf(texts: readonly string[]) {
  return ruleSet(texts.map((t) => parseRule(t)).filter((r): r is SnapshotRule => r !== undefined));
}
