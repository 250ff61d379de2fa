// `cellfleet-agent trust list|show|accept|reject` (CliCommand contract in cli-types.ts).
// Every command it suggests carries the same --config/--pki the user gave, so it works as
// printed.
import { type CliCommand, type CliIO, EXIT } from '../cli-types.ts';
import { loadConfig } from '../config/load.ts';
import { type CertificateInfo, formatThumbprint } from '../pki/certificate-info.ts';
import { type AgentPki, matchThumbprint, openAgentPki, runtimePkiDir } from '../pki/pki.ts';
import { UsageError } from '../probe/cli-args.ts';
import { type PkiSource, parseTrustArgs, sourceFlag, type TrustArgs } from './args.ts';
import { TRUST_HELP } from './help.ts';

export const trustCommand: CliCommand = async (argv, io) => {
  let args: TrustArgs;
  try {
    args = parseTrustArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`error: ${err.message}\n\n${TRUST_HELP}`);
    return EXIT.usage;
  }
  if (args.help) {
    io.stdout.write(TRUST_HELP);
    return EXIT.ok;
  }
  const pki = await openAgentPki({ dir: pkiDir(args.source), disableFileWatchers: true });
  try {
    const flag = sourceFlag(args.source);
    if (args.action === 'list') return list(pki, io, { json: args.json, flag });
    const found = find(pki, io, { prefix: args.thumbprint ?? '', flag });
    if (typeof found === 'number') return found;
    if (args.action === 'show') return show(found, io, args.json);
    if (args.action === 'accept') return await accept(pki, found, io);
    return await reject(pki, found, io, flag);
  } finally {
    await pki.dispose();
  }
};

/** The folder `run` uses for this config: <dataDir>/pki (runtime/start.ts). */
export function pkiDir(source: PkiSource): string {
  return source.kind === 'config' ? runtimePkiDir(loadConfig(source.file).dataDir) : source.dir;
}

interface Found {
  readonly cert: CertificateInfo;
  readonly status: 'rejected' | 'trusted';
}

function find(pki: AgentPki, io: CliIO, o: { prefix: string; flag: string }): Found | number {
  const candidates = [
    ...matchThumbprint(pki.listRejected(), o.prefix).map((cert) => ({ cert, status: 'rejected' as const })),
    ...matchThumbprint(pki.listTrusted(), o.prefix).map((cert) => ({ cert, status: 'trusted' as const })),
  ];
  const found = candidates[0];
  if (found === undefined) {
    io.stderr.write(
      `error: no certificate in ${pki.dir} starts with ${o.prefix}; run: cellfleet-agent trust list${o.flag}\n`,
    );
    return EXIT.diagnosedFailure;
  }
  const distinct = new Set(candidates.map((c) => c.cert.thumbprint));
  if (distinct.size > 1) {
    io.stderr.write(
      `error: thumbprint prefix ${o.prefix} matches ${distinct.size} certificates; give more digits\n`,
    );
    return EXIT.usage;
  }
  return found;
}

const row = ({ der: _der, ...rest }: CertificateInfo) => rest;

function list(pki: AgentPki, io: CliIO, o: { json: boolean; flag: string }): number {
  const rejected = pki.listRejected();
  const trusted = pki.listTrusted();
  if (o.json) {
    const body = { pki: pki.dir, rejected: rejected.map(row), trusted: trusted.map(row) };
    io.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return EXIT.ok;
  }
  const trustedNote = `${trusted.length} trusted server certificate(s) in ${pki.dir}.\n`;
  if (rejected.length === 0) {
    io.stdout.write(
      `No rejected server certificates in ${pki.dir}.\n${trustedNote}Probe a server first: its certificate lands here until you trust it.\n`,
    );
    return EXIT.ok;
  }
  io.stdout.write(`Rejected server certificates in ${pki.dir}:\n\n`);
  for (const c of rejected) io.stdout.write(`${describe(c).join('\n')}\n\n`);
  io.stdout.write(trustedNote);
  io.stdout.write(`Trust one with: cellfleet-agent trust accept <thumbprint-prefix>${o.flag}\n`);
  return EXIT.ok;
}

function describe(c: CertificateInfo): string[] {
  return [
    `  ${formatThumbprint(c.thumbprint)}`,
    `    subject   ${c.subject}`,
    ...(c.applicationUri ? [`    URI       ${c.applicationUri}`] : []),
    ...(c.dns.length + c.ip.length > 0 ? [`    hosts     ${[...c.dns, ...c.ip].join(', ')}`] : []),
    `    valid     ${new Date(c.notBefore).toISOString()} → ${new Date(c.notAfter).toISOString()}`,
  ];
}

function show(found: Found, io: CliIO, json: boolean): number {
  if (json) {
    io.stdout.write(`${JSON.stringify({ status: found.status, ...row(found.cert) }, null, 2)}\n`);
    return EXIT.ok;
  }
  io.stdout.write(`${describe(found.cert).join('\n')}\n    status    ${found.status}\n`);
  return EXIT.ok;
}

async function accept(pki: AgentPki, found: Found, io: CliIO): Promise<number> {
  const name = `${formatThumbprint(found.cert.thumbprint)} (${found.cert.subject})`;
  if (found.status === 'trusted') {
    io.stdout.write(`Already trusted: ${name}\n`);
    return EXIT.ok;
  }
  await pki.trust(found.cert.der);
  io.stdout.write(`Trusted ${name}.\nA running agent uses it at its next probe; no restart needed.\n`);
  return EXIT.ok;
}

async function reject(pki: AgentPki, found: Found, io: CliIO, flag: string): Promise<number> {
  const name = `${formatThumbprint(found.cert.thumbprint)} (${found.cert.subject})`;
  if (found.status === 'rejected') {
    io.stdout.write(`Already rejected: ${name}\n`);
    return EXIT.ok;
  }
  await pki.reject(found.cert.der);
  io.stdout.write(
    `No longer trusted: ${name}.\nUndo with: cellfleet-agent trust accept ${found.cert.thumbprint.slice(0, 8)}${flag}\n`,
  );
  return EXIT.ok;
}
