// ProbeBody (the wire message, @cellfleet/protocol) from the evidence and the diagnosis.
// Bounded like the schema: steps and lines are capped so a probe never nears 256 KiB.
import {
  type DiagnoseResult,
  type Diagnosis,
  eventNamesClient,
  type ProbeEvidence,
  unprovenAsClient,
} from '@cellfleet/core';
import type { CertificateSummary, DiagnosisSummary, EndpointConfig, ProbeBody } from '@cellfleet/protocol';

export function toProbeBody(o: {
  endpoint: EndpointConfig;
  evidence: ProbeEvidence;
  diagnosis: DiagnoseResult;
  startedAt: number;
  durationMs: number;
}): ProbeBody {
  const { evidence: ev, diagnosis: d } = o;
  const serverTime = (ev as { serverTime?: number }).serverTime;
  return {
    endpoint: o.endpoint.name,
    url: ev.url.slice(0, 512),
    ok: d.primary.code === 'ok',
    startedAt: o.startedAt,
    durationMs: Math.round(o.durationMs),
    steps: ev.steps.map((s) => ({
      name: s.name,
      ok: s.ok,
      ms: Math.round(s.ms),
      ...((s.error?.message ?? s.detail)
        ? { detail: (s.error?.message ?? s.detail ?? '').slice(0, 4096) }
        : {}),
    })),
    diagnosis: summary(d.primary),
    findings: d.findings.map(summary),
    ...(ev.buildInfo || ev.serverState
      ? {
          server: {
            ...(ev.buildInfo ? { buildInfo: { ...ev.buildInfo } } : {}),
            ...(ev.serverState ? { state: ev.serverState } : {}),
            ...(serverTime !== undefined ? { currentTime: serverTime } : {}),
          },
        }
      : {}),
    vendor: d.vendor,
    vendorDetection: {
      vendor: d.detection.vendor,
      ...(d.detection.product ? { product: d.detection.product } : {}),
      ...(d.detection.productName ? { productName: d.detection.productName } : {}),
      confidence: d.detection.confidence,
      why: d.detection.why.slice(0, 512),
      evidence: cap(d.detection.evidence, 16, 512),
      conflicts: cap(d.detection.conflicts, 16, 512),
    },
    ...(ev.chosen ? { security: `${ev.chosen.securityMode}/${ev.chosen.securityPolicy}` } : {}),
    // As a client with its key, the certificate presented is the client's: it goes under client.
    ...(ev.agentCertificate && !ev.asClient?.keyAvailable
      ? { agentCertificate: cert(ev.agentCertificate) }
      : {}),
    ...(ev.serverCertificate ? { serverCertificate: cert(ev.serverCertificate) } : {}),
    ...clientPart(ev),
  };
}

/** The client the probe ran as and the trust-store watch's findings (issue 17); never a key. */
function clientPart(
  ev: ProbeEvidence,
): Pick<ProbeBody, 'client' | 'serverRejected' | 'serverRejectedEvents' | 'eventLogError'> {
  const c = ev.asClient;
  const listed = ev.listedClients ?? [];
  return {
    ...(c
      ? {
          client: {
            name: c.name,
            securityPolicy: c.securityPolicy,
            securityMode: c.securityMode,
            userTokenType: c.userTokenType,
            keyAvailable: c.keyAvailable,
            unproven: unprovenAsClient(c).map((l) => l.slice(0, 2048)),
            ...(c.label ? { label: c.label } : {}),
            ...(c.vendor ? { vendor: c.vendor } : {}),
            ...(c.certificate ? { certificate: cert(c.certificate) } : {}),
          },
        }
      : {}),
    ...(ev.serverRejected
      ? {
          serverRejected: ev.serverRejected.slice(0, 32).map((r) => {
            const owner = listed.find((l) => l.thumbprint === r.thumbprint)?.name;
            return {
              ...cert({ ...r, dns: [], ip: [] }),
              firstSeen: r.firstSeen,
              ...(owner ? { client: owner } : {}),
            };
          }),
        }
      : {}),
    ...(ev.serverRejectedEvents
      ? {
          serverRejectedEvents: ev.serverRejectedEvents.slice(0, 32).map((e) => {
            const owner = listed.find((l) => eventNamesClient(e, l))?.name;
            return {
              certificate: e.certificate.slice(0, 256),
              since: Math.round(e.since),
              lastSeen: Math.round(e.lastSeen),
              source: e.source.slice(0, 128),
              message: e.message.slice(0, 512),
              ...(e.thumbprint ? { thumbprint: e.thumbprint } : {}),
              ...(owner ? { client: owner } : {}),
            };
          }),
        }
      : {}),
    ...(ev.eventLogError ? { eventLogError: ev.eventLogError.slice(0, 512) } : {}),
  };
}

/** What was asked of the probe, as the evidence records it (never the password itself). */
export function requestOf(endpoint: EndpointConfig): ProbeEvidence['request'] {
  return {
    security: endpoint.security ?? 'auto',
    allowSecurityNone: endpoint.allowSecurityNone ?? false,
    hasCredentials: endpoint.user !== undefined,
    trustOnFirstUse: endpoint.trustOnFirstUse ?? false,
  };
}

const cap = (lines: readonly string[], n: number, len = 2048) =>
  lines.slice(0, n).map((l) => l.slice(0, len));

function summary(d: Diagnosis): DiagnosisSummary {
  return {
    code: d.code,
    severity: d.severity,
    summary: d.summary.slice(0, 1024),
    evidence: cap(d.evidence, 32),
    causes: cap(d.causes, 16),
    remediation: d.remediation
      .slice(0, 8)
      .map((r) => ({ vendor: r.vendor, product: r.product, steps: cap(r.steps, 16) })),
    otherClientsShow: cap(d.otherClientsShow, 8),
    verification: d.verification.slice(0, 2048),
    ...(d.rankedFor ? { rankedFor: { ...d.rankedFor, why: d.rankedFor.why.slice(0, 512) } } : {}),
  };
}

function cert(c: NonNullable<ProbeEvidence['agentCertificate']>): CertificateSummary {
  return {
    thumbprint: c.thumbprint,
    subject: c.subject.slice(0, 512),
    ...(c.issuer ? { issuer: c.issuer.slice(0, 512) } : {}),
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    ...(c.applicationUri ? { applicationUri: c.applicationUri.slice(0, 512) } : {}),
  };
}
