// `cellfleet-agent snapshot <url>`: one configuration snapshot, printed as a summary, as JSON
// (--json) or written to a file (--out). The session comes from ../opcua openSession, so the
// snapshot uses the same PKI, security choice and no-auto-trust rule as every other command.
import { writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  formatRules,
  isNodeEntry,
  isRedacted,
  parseRule,
  ruleSet,
  type Snapshot,
  type SnapshotRule,
} from '@cellfleet/core';
import type { SecurityChoice } from '@cellfleet/protocol';
import { type CliIO, EXIT } from '../cli-types.ts';
import { openSession } from '../opcua/session.ts';
import { openAgentPki } from '../pki/pki.ts';
import { snapshotHash } from './publisher.ts';
import { type SnapshotRun, takeSnapshot } from './snapshotter.ts';

export const SNAPSHOT_HELP = `Usage: cellfleet-agent snapshot <opc.tcp://host:port> [options]
  --root NODE          subtree to snapshot: node id (ns=2;s=Channel1) or browse path
                       (/Objects/2:Channel1); repeatable; default: the vendor tree under Objects
  --json               print the snapshot as JSON
  --out FILE           write the snapshot JSON to FILE
  --max-nodes N        stop after N nodes (status "truncated"); default 50000
  --rule ACTION:GLOB   add a rule before the defaults, e.g. include:**/Recipe/Profile,
                       volatile:**/Setpoint, exclude:_AdvancedTags/**, secret:**/Key (repeatable)
  --no-default-rules   use only the --rule rules
  --show-rules         print the rules in the order they apply, and exit
  --security MODE      auto | none | sign | sign-and-encrypt (default auto)
  --user U --password P
  --secret-salt S      fingerprint redacted secrets with HMAC-SHA256(S) so a change shows
  --pki DIR            the agent's PKI folder (default ~/.cellfleet/pki)
  --timeout MS         connect timeout (default 10000)
  --endpoint NAME      the endpoint's name in the snapshot (default "endpoint")
`;

const SECURITY: readonly string[] = ['auto', 'none', 'sign', 'sign-and-encrypt'];

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...(argv[0] === 'snapshot' ? argv.slice(1) : argv)],
    allowPositionals: true,
    strict: true,
    options: {
      root: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      out: { type: 'string' },
      'max-nodes': { type: 'string' },
      rule: { type: 'string', multiple: true },
      'no-default-rules': { type: 'boolean' },
      'show-rules': { type: 'boolean' },
      security: { type: 'string' },
      user: { type: 'string' },
      password: { type: 'string' },
      'secret-salt': { type: 'string' },
      pki: { type: 'string' },
      timeout: { type: 'string' },
      endpoint: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

type Parsed = ReturnType<typeof parse>;

function usage(io: CliIO, why: string): number {
  io.stderr.write(`snapshot: ${why}\n\n${SNAPSHOT_HELP}`);
  return EXIT.usage;
}

function rulesOf(values: Parsed['values']): SnapshotRule[] | string {
  const out: SnapshotRule[] = [];
  for (const text of values.rule ?? []) {
    const r = parseRule(text);
    if (!r) return `--rule ${text}: expected ACTION:GLOB with ACTION include, exclude, volatile or secret`;
    out.push(r);
  }
  return out;
}

export async function snapshotCommand(argv: readonly string[], io: CliIO): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parse(argv);
  } catch (err) {
    return usage(io, (err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(SNAPSHOT_HELP);
    return EXIT.ok;
  }
  const rules = rulesOf(values);
  if (typeof rules === 'string') return usage(io, rules);
  const set = ruleSet(rules, !values['no-default-rules']);
  if (values['show-rules']) {
    io.stdout.write(`${formatRules(set)}\n`);
    return EXIT.ok;
  }
  const url = positionals[0];
  if (!url?.startsWith('opc.tcp://')) return usage(io, 'an opc.tcp:// URL is required');
  const maxNodes = Number(values['max-nodes'] ?? 50_000);
  const timeoutMs = Number(values.timeout ?? 10_000);
  if (!Number.isInteger(maxNodes) || maxNodes < 1) return usage(io, '--max-nodes must be a positive integer');
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100) return usage(io, '--timeout must be at least 100 ms');
  const security = values.security ?? 'auto';
  if (!SECURITY.includes(security))
    return usage(io, `--security ${security}: expected one of ${SECURITY.join(', ')}`);

  const pki = await openAgentPki({
    dir: values.pki ?? join(homedir(), '.cellfleet', 'pki'),
    disableFileWatchers: true,
  });
  try {
    const endpoint = {
      name: values.endpoint ?? 'endpoint',
      url,
      security: security as SecurityChoice,
      allowSecurityNone: security === 'none',
      ...(values.user === undefined ? {} : { user: values.user }),
      ...(values.password === undefined ? {} : { password: values.password }),
    };
    let open: Awaited<ReturnType<typeof openSession>>;
    try {
      open = await openSession(endpoint, { pki, timeoutMs });
    } catch (err) {
      io.stderr.write(
        `snapshot: cannot open a session: ${(err as Error).message}\n  run \`cellfleet-agent probe ${url}\` for the diagnosis\n`,
      );
      return EXIT.diagnosedFailure;
    }
    try {
      const tty = io.stdout.isTTY === true;
      const run = await takeSnapshot(open.session, {
        endpoint: endpoint.name,
        rules: set,
        maxNodes,
        now: Date.now,
        ...(values.root ? { roots: values.root } : {}),
        ...(values['secret-salt'] ? { secretSalt: values['secret-salt'] } : {}),
        ...(tty
          ? { onProgress: (p) => io.stderr.write(`\r  ${p.nodes} nodes, ${p.requests} requests…`) }
          : {}),
      });
      if (tty) io.stderr.write('\r\x1b[K');
      return report(run, values, io);
    } finally {
      await open.close();
    }
  } finally {
    await pki.dispose();
  }
}

function report(run: SnapshotRun, values: Parsed['values'], io: CliIO): number {
  const s = run.snapshot;
  const hash = snapshotHash(s);
  const json = `${JSON.stringify({ hash, ...s }, null, 2)}\n`;
  if (values.out) writeFileSync(values.out, json);
  if (values.json) io.stdout.write(json);
  else io.stdout.write(summary(run, hash, values.out));
  return EXIT.ok;
}

function summary(run: SnapshotRun, hash: string, out: string | undefined): string {
  const s: Snapshot = run.snapshot;
  const nodes = Object.values(s.entries).filter(isNodeEntry);
  const values = nodes.filter((n) => n.value !== undefined);
  const secrets = values.filter((n) => isRedacted(n.value));
  const r = run.stats.requests;
  const lines = [
    `${String(s.entries['server.productName'] ?? 'server')} ${String(s.entries['server.softwareVersion'] ?? '')}`.trim(),
    `status:    ${s.status.state}${s.status.reason ? ` (${s.status.reason})` : ''}`,
    ...(s.status.notes ?? []).map((n) => `note:      ${n}`),
    `nodes:     ${s.status.nodes} (${values.length} values recorded, ${secrets.length} redacted, ${nodes.length - values.length} without value)`,
    `roots:     ${(s.entries['roots'] as string[] | undefined)?.join(', ') ?? ''}`,
    `requests:  ${r.browse} browse, ${r.browseNext} browseNext, ${r.read} read in ${run.stats.durationMs} ms`,
    `hash:      ${hash}`,
    ...(out ? [`written:   ${out}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}
