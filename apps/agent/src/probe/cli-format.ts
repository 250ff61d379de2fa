// Human output of `cellfleet-agent probe`: the ladder with ✓/✗ and times, then the diagnosis
// with the fix steps for the detected platform first and why we think it is that platform
// (the JSON output carries every vendor's steps and the detection's evidence).
import { type Diagnosis, formatThumbprint, type VendorDetection } from '@cellfleet/core';
import type { AgentPki } from '../pki/pki.ts';
import type { ProbeResult } from './ladder.ts';

/** Codes after which the server side must trust the agent's certificate. */
const AGENT_MUST_BE_TRUSTED = new Set(['client-cert-untrusted', 'client-cert-expired']);

/** The agent certificate as the human output shows it (an AgentPki has these fields). */
export type AgentCertificateView = {
  readonly certificate: Pick<AgentPki['certificate'], 'thumbprint' | 'notAfter'>;
} & Pick<AgentPki, 'applicationUri' | 'certificateFile'>;

export function formatProbe(r: ProbeResult, pki: AgentCertificateView, pkiDir: string): string {
  const out: string[] = [`Probe of ${r.body.url}`, ''];
  const width = Math.max(...r.body.steps.map((s) => s.name.length), 8);
  for (const s of r.body.steps) {
    const detail = (s.detail ?? '').replace(/\s+/g, ' ').slice(0, 160);
    out.push(`  ${s.ok ? '✓' : '✗'} ${s.name.padEnd(width)} ${String(s.ms).padStart(6)} ms  ${detail}`);
  }
  out.push('', ...formatDiagnosis(r.diagnosis.primary, r.diagnosis.detection));
  if (AGENT_MUST_BE_TRUSTED.has(r.body.diagnosis.code)) out.push('', ...agentCertificate(pki));
  if (r.body.diagnosis.code === 'server-cert-untrusted' && r.body.serverCertificate) {
    const t = r.body.serverCertificate.thumbprint;
    out.push('', 'Server certificate (this agent must trust it):', `  thumbprint  ${formatThumbprint(t)}`);
    out.push(`  subject     ${r.body.serverCertificate.subject}`);
    out.push(`  trust it:   cellfleet-agent trust ${t.slice(0, 8)} --pki ${pkiDir}`);
  }
  if (r.diagnosis.findings.length > 0) {
    out.push('', 'Findings:');
    for (const f of r.diagnosis.findings) out.push(`  ! ${f.code}: ${f.summary}`);
  }
  const b = r.body.server?.buildInfo;
  if (b)
    out.push(
      '',
      `Server: ${b.productName} ${b.softwareVersion} (build ${b.buildNumber}) by ${b.manufacturerName}`,
    );
  out.push(`${platformLine(r.diagnosis.detection)}   Took ${r.body.durationMs} ms`);
  return `${out.join('\n')}\n`;
}

function platformLine(d: VendorDetection): string {
  const name = d.productName ?? (d.vendor === 'generic' ? 'a server without a vendor profile' : d.vendor);
  return `Platform: ${name} (${d.confidence} confidence: ${d.why})`;
}

function formatDiagnosis(d: Diagnosis, det: VendorDetection): string[] {
  const mark = d.code === 'ok' ? '✓' : '✗';
  const out = [`${mark} ${d.code} (${d.severity}): ${d.summary}`];
  if (d.code === 'ok') return out;
  if (d.causes.length > 0) {
    out.push('', 'Likely causes:');
    out.push(...d.causes.map((c, i) => `  ${i + 1}. ${c}`));
  }
  // The detected platform's steps first (the diagnosis is already ranked for it); the generic
  // steps too unless the platform is certain. --vendor overrides the detection.
  const mine = d.remediation.filter((r) => r.vendor === det.vendor);
  const generic = d.remediation.filter((r) => r.vendor === 'generic');
  const shown = mine.length === 0 || det.confidence !== 'high' ? [...mine, ...generic] : mine;
  if (shown.length > 0 && det.vendor !== 'generic') {
    out.push(
      '',
      `Steps for ${det.productName ?? det.vendor} first: ${det.why} (${det.confidence} confidence; --vendor overrides).`,
    );
  }
  for (const r of shown) {
    out.push('', `Fix (${r.product}):`);
    out.push(...r.steps.map((s, i) => `  ${i + 1}. ${s}`));
  }
  if (d.otherClientsShow.length > 0) out.push('', `Other clients show: ${d.otherClientsShow.join('; ')}`);
  out.push(`Verify: ${d.verification}`);
  return out;
}

function agentCertificate(pki: AgentCertificateView): string[] {
  return [
    'Agent certificate (the server must trust it):',
    `  thumbprint       ${formatThumbprint(pki.certificate.thumbprint)}`,
    `  application URI  ${pki.applicationUri}`,
    `  valid until      ${new Date(pki.certificate.notAfter).toISOString()}`,
    `  file             ${pki.certificateFile}`,
  ];
}
