// trust-server-certificate and renew-agent-certificate: the two PKI actions.
// Trust: the certificate must be one the endpoint presents now (GetEndpoints) or one the agent
// already set aside in rejected/; the hub sends only its thumbprint, never certificate bytes,
// so an action cannot make the agent trust a certificate no server of this cell uses.
// Renew: a new self-signed certificate with the same applicationUri and key, swapped in by an
// atomic rename; the old one is kept in the ledger as the rollback point.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { discover } from '../opcua/discovery.ts';
import { readCertificateInfo, thumbprintOf } from '../pki/certificate-info.ts';
import { type ActionOf, endpointNamed, type Outcome, type StepContext, StepFailure } from './context.ts';
import type { LedgerEntry } from './ledger.ts';

const matches = (der: Buffer, thumbprint: string) =>
  thumbprint.length === 40
    ? thumbprintOf(der) === thumbprint
    : createHash('sha256').update(der).digest('hex') === thumbprint;

export async function runTrust(
  ctx: StepContext,
  action: ActionOf<'trust-server-certificate'>,
): Promise<Outcome> {
  const { thumbprint } = action.params;
  const endpoint = endpointNamed(ctx, action.params.endpoint);
  const offered = await discover(endpoint.url, ctx.pki, ctx.config.probe.timeoutMs)
    .then((d) => d.endpoints.map((e) => e.serverCertificate).filter((c): c is Buffer => !!c?.length))
    .catch(() => [] as Buffer[]);
  const candidates = [...offered, ...ctx.pki.listRejected().map((c) => c.der)];
  const der = candidates.find((c) => matches(c, thumbprint));
  if (!der)
    throw new StepFailure(
      'certificate-not-found',
      `${endpoint.name} does not present a certificate with thumbprint ${thumbprint}, and none is in rejected/`,
    );
  const before = ctx.pki.trustStatus(der);
  ctx.ledger.saveSnapshot(action.id, { trustStatus: before, der: der.toString('base64') }, ctx.now());
  ctx.ledger.markExecuting(action.id, ctx.now());
  if (before !== 'trusted') await ctx.pki.trust(der);
  if (ctx.pki.trustStatus(der) !== 'trusted')
    throw new StepFailure('verify-failed', 'the certificate is not in trusted/ after trusting it');
  const probe = await ctx.probe(endpoint);
  ctx.reportProbe(probe);
  const subject = readCertificateInfo(der).subject;
  return {
    outcome: 'succeeded',
    detail: `trusted ${subject} (was ${before}); re-probe ${endpoint.name}: ${probe.diagnosis.code}`,
  };
}

interface RenewSnapshot {
  readonly pem: string;
  readonly thumbprint: string;
}

export async function runRenew(
  ctx: StepContext,
  action: ActionOf<'renew-agent-certificate'>,
): Promise<Outcome> {
  const { pki } = ctx;
  const file = pki.certificateFile;
  const old = readFileSync(file, 'utf8');
  const oldInfo = readCertificateInfo(old);
  const snapshot: RenewSnapshot = { pem: old, thumbprint: oldInfo.thumbprint };
  ctx.ledger.saveSnapshot(action.id, snapshot, ctx.now());
  await ctx.pause('after-snapshot');
  ctx.ledger.markExecuting(action.id, ctx.now());
  const next = join(dirname(file), `renew-${action.id}.pem`);
  try {
    await pki.certificateManager.createSelfSignedCertificate({
      applicationUri: pki.applicationUri,
      dns: [hostname()],
      outputFile: next,
      subject: { commonName: pki.applicationName, organization: 'Cellfleet', domainComponent: hostname() },
      startDate: new Date(ctx.now()),
      validity: action.params.validityDays,
    });
    const info = readCertificateInfo(readFileSync(next));
    if (info.applicationUri !== pki.applicationUri)
      throw new StepFailure('verify-failed', `the new certificate names ${info.applicationUri}`);
    renameSync(next, file); // atomic on one filesystem: a crash leaves the old or the new file
    const now = readCertificateInfo(readFileSync(file));
    if (now.thumbprint === oldInfo.thumbprint)
      throw new StepFailure('verify-failed', 'the certificate did not change');
    return {
      outcome: 'succeeded',
      thumbprint: now.thumbprint,
      detail: `new certificate for ${now.applicationUri}, valid until ${new Date(now.notAfter).toISOString()}; trust thumbprint ${now.thumbprint} on the servers (was ${oldInfo.thumbprint})`,
    };
  } catch (err) {
    rmSync(next, { force: true });
    writeFileSync(file, old);
    const reason = err instanceof StepFailure ? err.reason : 'renew-failed';
    return {
      outcome: 'rolled-back',
      reason,
      detail: `${(err as Error).message}; the old certificate is back`,
    };
  }
}

/** After a crash: trusting is idempotent, so only whether it is trusted now matters. */
export function recoverTrust(ctx: StepContext, entry: LedgerEntry): Outcome {
  const snap = entry.snapshot as { der?: string } | null;
  const der = snap?.der ? Buffer.from(snap.der, 'base64') : undefined;
  if (der && ctx.pki.trustStatus(der) === 'trusted')
    return { outcome: 'succeeded', detail: 'trusted before the agent stopped; verified after the restart' };
  return {
    outcome: 'failed',
    reason: 'interrupted',
    detail: 'the agent stopped before trusting; not run again',
  };
}

/** After a crash: the file is the old certificate, or the complete new one (rename is atomic). */
export function recoverRenew(ctx: StepContext, entry: LedgerEntry): Outcome {
  const snap = entry.snapshot as RenewSnapshot | null;
  let current: ReturnType<typeof readCertificateInfo> | undefined;
  try {
    current = readCertificateInfo(readFileSync(ctx.pki.certificateFile));
  } catch {
    current = undefined;
  }
  if (snap && (!current || current.applicationUri !== ctx.pki.applicationUri)) {
    writeFileSync(ctx.pki.certificateFile, snap.pem);
    return { outcome: 'rolled-back', reason: 'interrupted', detail: 'restored the previous certificate' };
  }
  if (snap && current && current.thumbprint !== snap.thumbprint)
    return {
      outcome: 'succeeded',
      thumbprint: current.thumbprint,
      detail: `renewed before the agent stopped; trust thumbprint ${current.thumbprint} on the servers`,
    };
  return {
    outcome: 'failed',
    reason: 'interrupted',
    detail: 'the agent stopped before renewing; not run again',
  };
}
