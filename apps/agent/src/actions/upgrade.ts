// upgrade-agent (issue 14, item 6): replace this packaged agent with a signed build the hub
// serves, under its service manager.
//
//   verify   the build's Ed25519 signature (a pinned hub key, over core's agentBuildPayload) —
//            before a byte is downloaded
//   fetch    GET <hub.api>/api/agent-builds/<sha256> with the agent's own credentials, over
//            the same checked TLS as enrollment, into <binary>.new: size and SHA-256 must match
//   trial    run the new build once, `run --config FILE --upgrade-trial`: it must load, read
//            the config and reach the hub within the deadline. A build that crashes at start or
//            cannot connect never replaces anything: the result is rolled-back, the old build runs on
//   swap     <binary> → <binary>.prev, <binary>.new → <binary> (renames in one folder, so the
//            service starts either the old build or the new one, never half a file)
//   restart  exit with EXIT.upgraded (75); the service manager (systemd Restart=always, WinSW
//            onfailure) starts the new build, which settles this action from the ledger by the
//            version it runs: succeeded when it is the one asked for.
import { spawn } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { once } from 'node:events';
import { chmodSync, createWriteStream, renameSync, rmSync } from 'node:fs';
import { agentBuildPayload } from '@cellfleet/core';
import { hubRequest } from '../link/hub-http.ts';
import { type ActionOf, type Outcome, type StepContext, StepFailure } from './context.ts';
import type { LedgerEntry } from './ledger.ts';

const TRIAL_DEADLINE_MS = 60_000;

interface UpgradeSnapshot {
  readonly binary: string;
  readonly from: string;
}

function verifyBuild(ctx: StepContext, p: ActionOf<'upgrade-agent'>['params']): void {
  const key = ctx.config.hub.actionKeys.find((k) => k.keyId === p.keyId);
  let ok = false;
  try {
    ok =
      !!key &&
      verify(
        null,
        Buffer.from(agentBuildPayload(p.sha256, p.version), 'utf8'),
        createPublicKey(key.publicKeyPem),
        Buffer.from(p.signature, 'base64'),
      );
  } catch {
    ok = false;
  }
  if (!ok)
    throw new StepFailure(
      'bad-build-signature',
      `the build's signature does not verify with a pinned hub key (${p.keyId}): not downloaded`,
    );
}

async function download(
  ctx: StepContext,
  p: ActionOf<'upgrade-agent'>['params'],
  target: string,
): Promise<void> {
  const api = ctx.config.hub.api;
  if (!api)
    throw new StepFailure(
      'no-hub-api',
      'the config has no hub.api (token enrollment writes it): nowhere to fetch from',
    );
  const basic = Buffer.from(`${ctx.config.hub.username}:${ctx.config.hub.password}`).toString('base64');
  const res = await hubRequest(api, {
    method: 'GET',
    path: `/api/agent-builds/${p.sha256}`,
    headers: { authorization: `Basic ${basic}` },
    timeoutMs: 120_000,
  });
  if (res.statusCode !== 200) {
    res.resume();
    throw new StepFailure('download-failed', `the hub answered ${res.statusCode} for build ${p.sha256}`);
  }
  const hash = createHash('sha256');
  const out = createWriteStream(target, { mode: 0o755 });
  let size = 0;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > p.size)
        throw new StepFailure('digest-mismatch', `the download is larger than ${p.size} bytes`);
      hash.update(chunk);
      if (!out.write(chunk)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  const sha256 = hash.digest('hex');
  if (size !== p.size || sha256 !== p.sha256)
    throw new StepFailure(
      'digest-mismatch',
      `downloaded ${size} bytes with SHA-256 ${sha256}, not ${p.size} / ${p.sha256}`,
    );
  chmodSync(target, 0o755);
}

/** Runs the candidate as a trial agent: exit 0 within the deadline means it started and reached the hub. */
function trial(
  candidate: string,
  configFile: string,
  deadlineMs: number,
): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    const child = spawn(candidate, ['run', '--config', configFile, '--upgrade-trial'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (d: Buffer) => {
      output = `${output}${d.toString('utf8')}`.slice(-1000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ ok: false, detail: `the new build did not start: ${err.message}` });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const tail = output.trim().split('\n').slice(-3).join(' / ');
      if (code === 0) resolve({ ok: true, detail: tail });
      else
        resolve({
          ok: false,
          detail: `the new build's trial ${signal === 'SIGKILL' ? `did not reach the hub within ${deadlineMs} ms` : `exited with ${code ?? signal}`}${tail ? `: ${tail}` : ''}`,
        });
    });
  });
}

export async function runUpgrade(ctx: StepContext, action: ActionOf<'upgrade-agent'>): Promise<Outcome> {
  const hooks = ctx.upgrade;
  if (!hooks)
    throw new StepFailure(
      'not-packaged',
      'this agent does not run as a packaged executable: nothing to replace',
    );
  const p = action.params;
  if (p.version === hooks.version) return { outcome: 'succeeded', detail: `already running ${p.version}` };
  verifyBuild(ctx, p);
  const candidate = `${hooks.binary}.new`;
  rmSync(candidate, { force: true });
  try {
    await download(ctx, p, candidate);
    ctx.ledger.saveSnapshot(
      action.id,
      { binary: hooks.binary, from: hooks.version } satisfies UpgradeSnapshot,
      ctx.now(),
    );
    const t = await trial(candidate, ctx.config.file, hooks.trialDeadlineMs ?? TRIAL_DEADLINE_MS);
    if (!t.ok) {
      rmSync(candidate, { force: true });
      return {
        outcome: 'rolled-back',
        reason: 'trial-failed',
        detail: `${t.detail}; still running ${hooks.version}`,
      };
    }
    ctx.ledger.markExecuting(action.id, ctx.now());
    const prev = `${hooks.binary}.prev`;
    renameSync(hooks.binary, prev);
    try {
      renameSync(candidate, hooks.binary);
    } catch (err) {
      renameSync(prev, hooks.binary); // never leave the service without an executable
      throw err;
    }
  } catch (err) {
    rmSync(candidate, { force: true });
    throw err;
  }
  ctx.log.warn(
    { action: action.id, from: hooks.version, to: p.version },
    'upgrade: new build in place, restarting',
  );
  hooks.restart();
  // The process ends in restart(); the new build settles this action from the ledger.
  return new Promise<Outcome>(() => {});
}

/** After the restart: the ledger says an upgrade was under way; the running version says how it ended. */
export function recoverUpgrade(ctx: StepContext, entry: LedgerEntry): Outcome {
  const action = entry.action as ActionOf<'upgrade-agent'>;
  const snap = entry.snapshot as UpgradeSnapshot | null;
  const running = ctx.upgrade?.version ?? 'unknown';
  if (running === action.params.version)
    return {
      outcome: 'succeeded',
      detail: `upgraded from ${snap?.from ?? 'unknown'} to ${running}; ${snap?.binary ?? 'the old build'}.prev kept`,
    };
  return {
    outcome: 'rolled-back',
    reason: 'not-upgraded',
    detail: `running ${running}, not ${action.params.version}: the new build did not stay in place`,
  };
}
