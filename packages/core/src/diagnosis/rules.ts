// The primary verdict: the first failed rung of the ladder decides, and the evidence around
// it picks between the codes that rung can produce. How each cause is told apart follows
// research §2.3 ("how to distinguish") and §2.4 (the suggested ladder).

import { describeValidity, validityAt } from './certs.ts';
import { classify, type Signal, statusIn } from './classify.ts';
import type { DiagnosisCode, Remediation } from './codes.ts';
import type { ProbeEvidence, StepEvidence } from './evidence.ts';
import { afterSession } from './rules-after.ts';
import { selectEndpoint } from './select.ts';

export interface Verdict {
  readonly code: DiagnosisCode;
  /** Fills `{detail}` in the summary. */
  readonly detail: string;
  /** Evidence lines beyond the step log. */
  readonly evidence: readonly string[];
  /** More `{name}` values for the texts (`{device}`). */
  readonly vars?: Readonly<Record<string, string>>;
  /** A sentence appended to the summary (why trust on first use did not apply). */
  readonly note?: string;
  /** A vendor pitfall's own summary, cause and fix, shown before the code's generic ones. */
  readonly pitfall?: PitfallText;
}

export interface PitfallText {
  readonly summary: string;
  readonly cause: string;
  readonly fix: Remediation;
}

export interface RuleOptions {
  readonly now: number;
  readonly clockSkewThresholdMs: number;
}

const verdict = (code: DiagnosisCode, detail: string, evidence: readonly string[] = []): Verdict => ({
  code,
  detail,
  evidence,
});

export function primaryVerdict(ev: ProbeEvidence, opts: RuleOptions): Verdict {
  const failed = ev.steps.find((s) => !s.ok);
  if (!failed) return afterSession(ev, opts);
  const signal = classify(failed.error);
  const detail = failed.error?.message ?? failed.detail ?? 'no detail';
  switch (failed.name) {
    case 'url':
      return verdict('invalid-url', detail);
    case 'dns':
      return signal.errno === undefined && signal.kind !== 'deadline'
        ? verdict('unknown', detail)
        : verdict('dns-unresolved', signal.errno ?? 'lookup timed out');
    case 'tcp':
      return tcpVerdict(signal, detail);
    case 'hello':
    case 'endpoints':
      return transportVerdict(signal, detail);
    case 'select-endpoint':
      return selectVerdict(ev, detail);
    case 'certificates':
      return certificateVerdict(ev, opts, detail);
    case 'secure-channel':
      return secureChannelVerdict(ev, opts, signal, detail);
    case 'session':
      return sessionVerdict(ev, opts, signal, detail);
    case 'reads':
      return readsVerdict(signal, detail);
  }
}

function tcpVerdict(signal: Signal, detail: string): Verdict {
  switch (signal.errno) {
    case 'ECONNREFUSED':
      return verdict('port-closed', detail);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'EADDRNOTAVAIL':
      return verdict('host-unreachable', signal.errno);
    case 'ETIMEDOUT':
      return verdict('tcp-timeout', detail);
    case 'ECONNRESET':
      return verdict('connection-dropped', detail);
  }
  return signal.kind === 'deadline' ? verdict('tcp-timeout', detail) : verdict('unknown', detail);
}

/** Hello/Acknowledge and discovery failures (Part 6 §7.1.2 HEL/ACK/ERR). */
export function transportVerdict(signal: Signal, detail: string): Verdict {
  const byStatus = statusVerdict(signal, detail);
  if (byStatus) return byStatus;
  if (signal.errno === 'ECONNREFUSED') return verdict('port-closed', detail);
  if (signal.kind === 'violation') return verdict('protocol-violation', detail);
  if (signal.kind === 'garbage') return verdict('not-opcua', detail);
  if (signal.kind === 'deadline' || signal.kind === 'no-data') return verdict('handshake-timeout', detail);
  if (signal.kind === 'dropped' || statusIn(signal, 'BadConnectionClosed', 'BadConnectionRejected')) {
    return verdict('connection-dropped', detail);
  }
  if (signal.errno === 'ECONNRESET' || signal.errno === 'EPIPE' || signal.errno === 'ECONNABORTED') {
    return verdict('connection-dropped', detail);
  }
  return verdict('unknown', detail);
}

/** Status codes that mean the same thing at whichever rung they arrive. */
function statusVerdict(signal: Signal, detail: string): Verdict | undefined {
  if (statusIn(signal, 'BadTcpEndpointUrlInvalid')) return verdict('endpoint-url-rejected', detail);
  if (statusIn(signal, 'BadTcpServerTooBusy', 'BadServerHalted', 'BadServerNotConnected')) {
    return verdict('server-busy', detail);
  }
  if (statusIn(signal, 'BadTooManySessions', 'BadMaxConnectionsReached', 'BadTcpNotEnoughResources')) {
    return verdict('too-many-sessions', detail);
  }
  if (
    statusIn(
      signal,
      'BadTcpMessageTooLarge',
      'BadResponseTooLarge',
      'BadRequestTooLarge',
      'BadEncodingLimitsExceeded',
    )
  ) {
    return verdict('message-too-large', detail);
  }
  if (statusIn(signal, 'BadTcpMessageTypeInvalid')) return verdict('not-opcua', detail);
  return undefined;
}

function selectVerdict(ev: ProbeEvidence, detail: string): Verdict {
  const pick = selectEndpoint(ev.endpoints ?? [], ev.request, ev.asClient);
  return pick.ok ? verdict('unknown', detail) : verdict(pick.code, pick.reason);
}

function certificateVerdict(ev: ProbeEvidence, opts: RuleOptions, detail: string): Verdict {
  const agent = ev.agentCertificate;
  if (agent && validityAt(agent, opts.now) !== 'valid') {
    const line = describeValidity('agent certificate', agent, opts.now);
    return verdict('client-cert-expired', line, [line]);
  }
  const server = ev.serverCertificate;
  if (server && validityAt(server, opts.now) !== 'valid') {
    const line = describeValidity('server certificate', server, opts.now);
    return verdict('server-cert-expired', line, [line]);
  }
  if (ev.serverCertificateTrust === 'rejected' && ev.request.trustOnFirstUse && server) {
    // Trust on first use trusts only a certificate never seen; one in rejected/ was seen and left
    // untrusted (apps/agent/src/opcua/trust.ts), so say so and name the command that moves it.
    const command = `cellfleet-agent trust ${server.thumbprint.slice(0, 8)}`;
    const note = `Trust on first use does not apply: an earlier probe put this certificate into the agent's rejected/ folder. If the thumbprint is the server's, move it with: ${command}`;
    return { code: 'server-cert-untrusted', detail, evidence: [note], note };
  }
  if (ev.serverCertificateTrust === 'rejected' || ev.serverCertificateTrust === 'unknown') {
    return verdict('server-cert-untrusted', detail);
  }
  return verdict('unknown', detail);
}

function secureChannelVerdict(ev: ProbeEvidence, opts: RuleOptions, signal: Signal, detail: string): Verdict {
  if (signal.kind === 'server-cert-verification') {
    if (statusIn(signal, 'BadCertificateTimeInvalid', 'BadCertificateIssuerTimeInvalid')) {
      return verdict('server-cert-expired', detail);
    }
    if (statusIn(signal, 'BadCertificateUriInvalid')) return verdict('cert-uri-mismatch', detail);
    if (statusIn(signal, 'BadCertificateHostNameInvalid')) return verdict('cert-hostname-mismatch', detail);
    return verdict('server-cert-untrusted', detail);
  }
  if (statusIn(signal, 'BadCertificateTimeInvalid', 'BadCertificateIssuerTimeInvalid')) {
    return certificateTimeVerdict(ev, opts, detail);
  }
  // Part 4 §5.5.2: a server hides which check failed. An expired agent certificate that is
  // also untrusted still comes back as BadSecurityChecksFailed (research §0.6), so look at it.
  if (
    statusIn(
      signal,
      'BadSecurityChecksFailed',
      'BadCertificateUntrusted',
      'BadCertificateRevoked',
      'BadCertificateUseNotAllowed',
      'BadCertificateInvalid',
      'BadCertificateChainIncomplete',
    )
  ) {
    return agentValidOrExpired(ev, opts, 'client-cert-untrusted', detail);
  }
  if (statusIn(signal, 'BadCertificateUriInvalid')) return verdict('cert-uri-mismatch', detail);
  if (
    statusIn(signal, 'BadSecurityPolicyRejected', 'BadSecurityModeRejected') ||
    signal.kind === 'no-matching-endpoint'
  ) {
    return verdict('security-policy-mismatch', detail);
  }
  if (refusedAfterDiscovery(ev, signal)) {
    return agentValidOrExpired(ev, opts, 'client-cert-untrusted', detail, [REFUSED_AFTER_DISCOVERY]);
  }
  return transportVerdict(signal, detail);
}

const REFUSED_AFTER_DISCOVERY =
  'discovery on this server worked moments before, then it closed the secure channel that carried the agent certificate: a server that does not trust a certificate often just closes (Part 4 §5.5.2 hides the reason); if the agent certificate is already trusted there, check its connection limit and allow-list';

/**
 * Issue 13: stacks that do not trust the agent's certificate close the channel (or send an
 * ERR whose status got lost) right after a clean discovery. With a certificate on the channel
 * and the same server healthy a moment ago, an untrusted certificate is the leading cause.
 */
function refusedAfterDiscovery(ev: ProbeEvidence, signal: Signal): boolean {
  const dropped = signal.kind === 'dropped' || signal.errno === 'ECONNRESET' || signal.errno === 'EPIPE';
  const discovered = ev.steps.some((s) => s.name === 'endpoints' && s.ok);
  const withCertificate = ev.chosen !== undefined && ev.chosen.securityMode !== 'None';
  return dropped && signal.status === undefined && discovered && withCertificate;
}

function agentValidOrExpired(
  ev: ProbeEvidence,
  opts: RuleOptions,
  code: DiagnosisCode,
  detail: string,
  evidence: readonly string[] = [],
): Verdict {
  const agent = ev.agentCertificate;
  if (agent && validityAt(agent, opts.now) !== 'valid') {
    const line = describeValidity('agent certificate', agent, opts.now);
    return verdict('client-cert-expired', line, [line, `server answered: ${detail}`]);
  }
  return verdict(code, detail, evidence);
}

/** BadCertificateTimeInvalid from the server: our certificate, or the server's clock (§2.3 B10). */
function certificateTimeVerdict(ev: ProbeEvidence, opts: RuleOptions, detail: string): Verdict {
  const agent = ev.agentCertificate;
  if (!agent || validityAt(agent, opts.now) !== 'valid')
    return agentValidOrExpired(ev, opts, 'client-cert-expired', detail);
  const offset = ev.clockOffsetMs;
  const serverNow = opts.now + (offset ?? 0);
  const why =
    offset === undefined
      ? 'the agent certificate is valid by this clock, so the server clock is the likely cause'
      : `server clock ${Math.round(offset / 1000)} s from local; agent certificate ${validityAt(agent, serverNow)} by server time`;
  return verdict('clock-skew', why, [
    describeValidity('agent certificate', agent, opts.now),
    `server answered: ${detail}`,
  ]);
}

function sessionVerdict(ev: ProbeEvidence, opts: RuleOptions, signal: Signal, detail: string): Verdict {
  if (signal.kind === 'no-anonymous-policy') return verdict('anonymous-disabled', tokensOffered(ev));
  if (statusIn(signal, 'BadIdentityTokenInvalid', 'BadIdentityTokenRejected', 'BadUserAccessDenied')) {
    return ev.request.hasCredentials
      ? verdict('bad-credentials', signal.status ?? detail)
      : verdict('anonymous-disabled', `${signal.status}; ${tokensOffered(ev)}`);
  }
  if (statusIn(signal, 'BadCertificateUriInvalid')) return verdict('cert-uri-mismatch', detail);
  if (signal.kind === 'endpoint-must-exist') {
    const elsewhere = (ev.advertisedHosts ?? []).filter((h) => h.host !== ev.host);
    return elsewhere.length > 0
      ? verdict('advertised-host-unresolvable', elsewhere.map((h) => h.host).join(', '))
      : verdict('security-policy-mismatch', detail);
  }
  const byStatus = statusVerdict(signal, detail);
  if (byStatus) return byStatus;
  return secureChannelVerdict(ev, opts, signal, detail);
}

function tokensOffered(ev: ProbeEvidence): string {
  const tokens = new Set((ev.chosen ? [ev.chosen] : (ev.endpoints ?? [])).flatMap((e) => e.userTokens));
  return `token types offered: ${[...tokens].join(', ') || 'none'}`;
}

function readsVerdict(signal: Signal, detail: string): Verdict {
  const byStatus = statusVerdict(signal, detail);
  if (byStatus) return byStatus;
  if (signal.kind === 'deadline' || statusIn(signal, 'BadTimeout', 'BadRequestTimeout')) {
    return verdict('server-busy', `reads did not complete: ${detail}`);
  }
  return transportVerdict(signal, detail);
}

export function stepLine(s: StepEvidence): string {
  const what = s.error?.message ?? s.detail ?? '';
  return `${s.name} ${s.ok ? 'ok' : 'FAILED'} in ${Math.round(s.ms)} ms${what ? `: ${what}` : ''}`;
}
