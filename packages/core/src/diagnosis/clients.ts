// Both sides of the failing connection (issue 17). The ladder can run as one of the cell's own
// clients (its URL, policy, mode and token type, and its certificate when its key is readable),
// and the agent can read the server's rejected-certificates folder on the same machine. These
// rules name the client in what the tech reads, say what that client's screen shows, give the
// fix for that client's certificate, and say what could not be proven without its key.
import type { Diagnosis } from './codes.ts';
import type { ClientEvidence, ProbeEvidence, RejectedCertificateEvidence } from './evidence.ts';
import { clientsShowFor, formatThumbprint } from './render.ts';
import type { Verdict } from './rules.ts';

export const clientLabel = (c: Pick<ClientEvidence, 'name' | 'label'>): string => c.label ?? c.name;

/** `02:04 UTC on 2026-12-05`: when a certificate landed in the rejected folder. */
export function sinceText(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(11, 16)} UTC on ${iso.slice(0, 10)}`;
}

function serverName(ev: ProbeEvidence): string {
  return ev.server?.applicationName ?? ev.buildInfo?.productName ?? 'The server';
}

function rejectedFix(who: string, r: RejectedCertificateEvidence) {
  return {
    vendor: 'generic' as const,
    product: 'On the server',
    steps: [
      `Check that thumbprint ${formatThumbprint(r.thumbprint)} is ${who}'s certificate (${r.subject}).`,
      "Trust it in the server's certificate management (move it from rejected to trusted); then reconnect the client.",
    ],
  };
}

/** Rejected certificates that belong to a listed client, with the client's name. */
export function rejectedClients(
  ev: ProbeEvidence,
): { readonly who: string; readonly cert: RejectedCertificateEvidence }[] {
  const out: { who: string; cert: RejectedCertificateEvidence }[] = [];
  for (const cert of ev.serverRejected ?? []) {
    const listed = (ev.listedClients ?? []).find((c) => c.thumbprint === cert.thumbprint);
    if (listed) out.push({ who: clientLabel(listed), cert });
  }
  return out;
}

/** The agent's own probe: a listed client's certificate in the server's rejected folder. */
export function rejectedClientFinding(ev: ProbeEvidence): Verdict | undefined {
  if (ev.asClient) return undefined;
  const found = rejectedClients(ev);
  const first = found[0];
  if (!first) return undefined;
  const names = found.map(
    (f) => `${f.who} (${formatThumbprint(f.cert.thumbprint)}, since ${sinceText(f.cert.firstSeen)})`,
  );
  const summary = `${serverName(ev)} keeps ${names.join('; ')} in its rejected certificates: it refuses ${found.length === 1 ? 'that client' : 'those clients'}.`;
  return {
    code: 'client-cert-untrusted',
    detail: names.join('; '),
    evidence: found.map(
      (f) =>
        `rejected folder holds ${f.who}'s certificate ${f.cert.thumbprint} (${f.cert.subject}) since ${sinceText(f.cert.firstSeen)}`,
    ),
    pitfall: {
      summary,
      cause: `${first.who}'s certificate was never trusted on the server, or it was regenerated and the new one not trusted.`,
      fix: rejectedFix(first.who, first.cert),
    },
  };
}

/**
 * A client probe whose secure channel could not be tried as the client (no key) passed; the
 * rejected folder still proves the refusal. With the key, the channel's own answer decides.
 */
export function clientPrimaryOverride(ev: ProbeEvidence, primary: Verdict): Verdict {
  const c = ev.asClient;
  if (!c || primary.code !== 'ok' || c.keyAvailable || !c.certificate) return primary;
  const thumb = c.certificate.thumbprint;
  const hit = (ev.serverRejected ?? []).find((r) => r.thumbprint === thumb);
  if (!hit) return primary;
  const who = clientLabel(c);
  const line = `${who}'s certificate ${thumb} sits in the server's rejected folder since ${sinceText(hit.firstSeen)}`;
  return {
    code: 'client-cert-untrusted',
    detail: line,
    evidence: [line],
    pitfall: {
      summary: `${serverName(ev)} refuses ${who}'s certificate (thumbprint ${formatThumbprint(thumb)}): it sits in the server's rejected folder since ${sinceText(hit.firstSeen)}.`,
      cause: `${who}'s certificate was never trusted on the server, or it was regenerated and the new one not trusted.`,
      fix: rejectedFix(who, hit),
    },
  };
}

/** What the agent could not check as the client; empty when it presented the client's certificate. */
export function unprovenAsClient(c: ClientEvidence): string[] {
  const who = clientLabel(c);
  const out: string[] = [];
  if (c.securityMode !== 'None' && !c.keyAvailable) {
    out.push(
      `Not proven: whether the server trusts ${who}'s certificate. Without its private key the agent cannot present it, so the secure channel was not tried as ${who} (configure privateKey, or a rejectedCertificatesDir for the trust-store watch).`,
    );
  }
  if (c.userTokenType !== 'Anonymous') {
    out.push(
      `Not proven: the session with ${who}'s ${c.userTokenType} credentials; the agent does not hold them (the endpoint accepts ${c.userTokenType} tokens).`,
    );
  }
  return out;
}

/** The diagnosis of a client probe, told about the client: its name, its screen, its certificate. */
export function personalise(d: Diagnosis, ev: ProbeEvidence): Diagnosis {
  const c = ev.asClient;
  if (!c) return d;
  const who = clientLabel(c);
  const thumb = c.certificate
    ? formatThumbprint(c.certificate.thumbprint)
    : '(its certificate could not be read)';
  const unproven = unprovenAsClient(c);
  let summary = `${who} (${ev.url}): ${d.summary}`;
  if (d.code === 'client-cert-untrusted' && !d.summary.startsWith(serverName(ev))) {
    summary = `${serverName(ev)} refuses ${who}'s certificate (thumbprint ${thumb}).`;
  } else if (d.code === 'ok') {
    summary = `${who} (${ev.url}): the URL, ${c.securityMode}/${c.securityPolicy} and ${c.userTokenType} work as configured.${unproven.length > 0 ? ` ${unproven.length} check(s) could not be made as ${who}: see the evidence.` : ''}`;
  }
  return {
    ...d,
    summary: summary.slice(0, 1024),
    evidence: [...d.evidence, ...unproven],
    remediation: d.remediation.map((r) => ({
      ...r,
      steps: r.steps.map((s) =>
        s
          .replace(/the agent certificate/g, `${who}'s certificate`)
          .replace(/the agent's DER file/g, `${who}'s certificate file`)
          .replace(/agent certificate/g, `${who}'s certificate`),
      ),
    })),
    // What this client's own screen shows comes first (its platform's profile).
    otherClientsShow: c.vendor
      ? [...clientsShowFor(d.code, c.vendor), ...d.otherClientsShow].filter(uniq)
      : d.otherClientsShow,
  };
}

const uniq = (line: string, i: number, all: readonly string[]) => all.indexOf(line) === i;
