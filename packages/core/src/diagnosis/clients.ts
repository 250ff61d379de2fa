// Both sides of the failing connection (issue 17). The ladder can run as one of the cell's own
// clients (its URL, policy, mode and token type, and its certificate when its key is readable),
// and the agent can read the server's rejected-certificates folder on the same machine. These
// rules name the client in what the tech reads, say what that client's screen shows, give the
// fix for that client's certificate, and say what could not be proven without its key.
import type { Diagnosis } from './codes.ts';
import type { ClientEvidence, ProbeEvidence, RejectedEventEvidence } from './evidence.ts';
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

function rejectedFix(who: string, r: Pick<ClientRefusal, 'thumbprint' | 'subject'>) {
  return {
    vendor: 'generic' as const,
    product: 'On the server',
    steps: [
      `Check that thumbprint ${formatThumbprint(r.thumbprint)} is ${who}'s certificate${r.subject ? ` (${r.subject})` : ''}.`,
      "Trust it in the server's certificate management (move it from rejected to trusted); then reconnect the client.",
    ],
  };
}

/** A listed client the server refuses, by the evidence that says so. */
export interface ClientRefusal {
  readonly who: string;
  readonly thumbprint: string;
  readonly subject?: string;
  /** When the refusal began: the rejected file's time, or the event log's first rejection. */
  readonly since: number;
  readonly where: 'rejected folder' | 'event log';
}

type Listed = NonNullable<ProbeEvidence['listedClients']>[number];

const commonName = (subject: string | undefined) =>
  /(?:^|[,/]\s*)CN=([^,/]+)/.exec(subject ?? '')?.[1]?.trim();
const same = (a: string | undefined, b: string) => a !== undefined && a.trim().toLowerCase() === b;

/**
 * Whether an event-log entry names this listed client's certificate: by thumbprint when the
 * entry has one, else by the name it gives. Which name Kepware writes in "The UA Client
 * certificate '<name>'" is not documented (research: opcua-diagnosis.md §8); the certificate's
 * common name, its application URI and the client's label or config name are each accepted.
 */
export function eventNamesClient(e: RejectedEventEvidence, l: Listed): boolean {
  if (e.thumbprint) return e.thumbprint.toLowerCase() === l.thumbprint.toLowerCase();
  const name = e.certificate.trim().toLowerCase();
  return [commonName(l.subject), l.applicationUri, l.label, l.name].some((v) => same(v, name));
}

/** Listed clients the server refuses: its rejected folder first, then its event log. */
export function refusals(ev: ProbeEvidence): ClientRefusal[] {
  const listed = ev.listedClients ?? [];
  const out: ClientRefusal[] = [];
  for (const cert of ev.serverRejected ?? []) {
    const l = listed.find((c) => c.thumbprint === cert.thumbprint);
    if (l)
      out.push({
        who: clientLabel(l),
        thumbprint: cert.thumbprint,
        subject: cert.subject,
        since: cert.firstSeen,
        where: 'rejected folder',
      });
  }
  for (const e of ev.serverRejectedEvents ?? []) {
    for (const l of listed.filter((c) => eventNamesClient(e, c))) {
      if (out.some((o) => o.thumbprint === l.thumbprint && o.where === 'event log')) continue;
      out.push({
        who: clientLabel(l),
        thumbprint: l.thumbprint,
        ...(l.subject ? { subject: l.subject } : {}),
        since: e.since,
        where: 'event log',
      });
    }
  }
  return out;
}

const where = (r: ClientRefusal) =>
  r.where === 'rejected folder'
    ? "sits in the server's rejected folder"
    : "is reported rejected by the server's event log";

/** The agent's own probe: a listed client's certificate in the rejected folder or the event log. */
export function rejectedClientFinding(ev: ProbeEvidence): Verdict | undefined {
  if (ev.asClient) return undefined;
  const found = refusals(ev);
  const first = found[0];
  if (!first) return undefined;
  const byClient = found.filter((f, i) => found.findIndex((g) => g.who === f.who) === i);
  const names = byClient.map(
    (f) => `${f.who} (${formatThumbprint(f.thumbprint)}, since ${sinceText(f.since)})`,
  );
  const inFolder = byClient.every((f) => f.where === 'rejected folder');
  const how = inFolder
    ? 'keeps'
    : byClient.some((f) => f.where === 'rejected folder')
      ? 'keeps or logs as rejected'
      : 'logs as rejected';
  const store = inFolder
    ? 'in its rejected certificates'
    : byClient.every((f) => f.where === 'event log')
      ? 'in its event log'
      : 'in its rejected certificates or its event log';
  const summary = `${serverName(ev)} ${how} ${names.join('; ')} ${store}: it refuses ${byClient.length === 1 ? 'that client' : 'those clients'}.`;
  return {
    code: 'client-cert-untrusted',
    detail: names.join('; '),
    evidence: found.map(
      (f) =>
        `${f.who}'s certificate ${f.thumbprint}${f.subject ? ` (${f.subject})` : ''} ${where(f)} since ${sinceText(f.since)}`,
    ),
    pitfall: {
      summary,
      cause: `${first.who}'s certificate was never trusted on the server, or it was regenerated and the new one not trusted.`,
      fix: rejectedFix(first.who, first),
    },
  };
}

/**
 * A client probe whose secure channel could not be tried as the client (no key) passed; the
 * rejected folder or the event log still proves the refusal. With the key, the channel's own
 * answer decides.
 */
export function clientPrimaryOverride(ev: ProbeEvidence, primary: Verdict): Verdict {
  const c = ev.asClient;
  if (!c || primary.code !== 'ok' || c.keyAvailable || !c.certificate) return primary;
  const thumb = c.certificate.thumbprint;
  const who = clientLabel(c);
  const folder = (ev.serverRejected ?? []).find((r) => r.thumbprint === thumb);
  const hit: ClientRefusal | undefined = folder
    ? { who, thumbprint: thumb, subject: folder.subject, since: folder.firstSeen, where: 'rejected folder' }
    : refusals(ev).find((r) => r.thumbprint === thumb);
  if (!hit) return primary;
  const line = `${who}'s certificate ${thumb} ${where(hit)} since ${sinceText(hit.since)}`;
  return {
    code: 'client-cert-untrusted',
    detail: line,
    evidence: [line],
    pitfall: {
      summary: `${serverName(ev)} refuses ${who}'s certificate (thumbprint ${formatThumbprint(thumb)}): it ${where(hit)} since ${sinceText(hit.since)}.`,
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
