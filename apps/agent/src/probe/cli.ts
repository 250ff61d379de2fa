// `cellfleet-agent probe` and `cellfleet-agent trust` (CliCommand contract in cli-types.ts:
// exit 0 ok, 1 diagnosed failure, 2 bad usage).
import type { CliCommand, CliIO } from '../cli-types.ts';
import { EXIT } from '../cli-types.ts';
import { formatThumbprint } from '../pki/certificate-info.ts';
import { type AgentPki, matchThumbprint, openAgentPki } from '../pki/pki.ts';
import { parseProbeArgs, parseTrustArgs, UsageError } from './cli-args.ts';
import { formatProbe } from './cli-format.ts';
import { PROBE_HELP, TRUST_HELP } from './cli-help.ts';
import { probeEndpoint } from './ladder.ts';

function usage(io: CliIO, err: unknown, help: string): number {
  if (!(err instanceof UsageError)) throw err;
  io.stderr.write(`error: ${err.message}\n\n${help}`);
  return EXIT.usage;
}

export const probeCommand: CliCommand = async (argv, io) => {
  let args: ReturnType<typeof parseProbeArgs>;
  try {
    args = parseProbeArgs(argv);
  } catch (err) {
    return usage(io, err, PROBE_HELP);
  }
  if (args.help) {
    io.stdout.write(PROBE_HELP);
    return EXIT.ok;
  }
  const pki = await openAgentPki({ dir: args.pki, disableFileWatchers: true });
  try {
    const endpoint = {
      name: 'cli',
      url: args.url,
      security: args.security,
      allowSecurityNone: args.allowNone,
      trustOnFirstUse: args.trustOnFirstUse,
      ...(args.user === undefined ? {} : { user: args.user }),
      ...(args.password === undefined ? {} : { password: args.password }),
    };
    const result = await probeEndpoint(endpoint, {
      pki,
      timeoutMs: args.timeoutMs,
      ...(args.vendor ? { vendorHint: args.vendor } : {}),
    });
    io.stdout.write(
      args.json ? `${JSON.stringify(result.body, null, 2)}\n` : formatProbe(result, pki, args.pki),
    );
    return result.body.ok ? EXIT.ok : EXIT.diagnosedFailure;
  } finally {
    await pki.dispose();
  }
};

export const trustCommand: CliCommand = async (argv, io) => {
  let args: ReturnType<typeof parseTrustArgs>;
  try {
    args = parseTrustArgs(argv);
  } catch (err) {
    return usage(io, err, TRUST_HELP);
  }
  if (args.help) {
    io.stdout.write(TRUST_HELP);
    return EXIT.ok;
  }
  const pki = await openAgentPki({ dir: args.pki, disableFileWatchers: true });
  try {
    return args.thumbprint === undefined
      ? list(pki, io, args.json)
      : await trustOne(pki, io, args.thumbprint);
  } finally {
    await pki.dispose();
  }
};

function list(pki: AgentPki, io: CliIO, json: boolean): number {
  const rejected = pki.listRejected();
  if (json) {
    const rows = rejected.map(({ der: _der, ...rest }) => rest);
    io.stdout.write(`${JSON.stringify({ pki: pki.dir, rejected: rows }, null, 2)}\n`);
    return EXIT.ok;
  }
  if (rejected.length === 0) {
    io.stdout.write(
      `No rejected server certificates in ${pki.dir}.\nProbe a server first: its certificate lands here until you trust it.\n`,
    );
    return EXIT.ok;
  }
  io.stdout.write(`Rejected server certificates in ${pki.dir}:\n\n`);
  for (const c of rejected) {
    io.stdout.write(`  ${formatThumbprint(c.thumbprint)}\n    subject   ${c.subject}\n`);
    if (c.applicationUri) io.stdout.write(`    URI       ${c.applicationUri}\n`);
    io.stdout.write(
      `    valid     ${new Date(c.notBefore).toISOString()} → ${new Date(c.notAfter).toISOString()}\n\n`,
    );
  }
  io.stdout.write('Trust one with: cellfleet-agent trust <thumbprint-prefix>\n');
  return EXIT.ok;
}

async function trustOne(pki: AgentPki, io: CliIO, prefix: string): Promise<number> {
  const matches = matchThumbprint(pki.listRejected(), prefix);
  if (matches.length === 0) {
    const already = matchThumbprint(pki.listTrusted(), prefix);
    if (already.length > 0) {
      io.stdout.write(`Already trusted: ${formatThumbprint(already[0]?.thumbprint ?? '')}\n`);
      return EXIT.ok;
    }
    io.stderr.write(
      `error: no rejected certificate starts with ${prefix}; run: cellfleet-agent trust list\n`,
    );
    return EXIT.diagnosedFailure;
  }
  if (matches.length > 1) {
    io.stderr.write(
      `error: thumbprint prefix ${prefix} matches ${matches.length} certificates; give more digits\n`,
    );
    return EXIT.usage;
  }
  const cert = matches[0];
  if (!cert) return EXIT.diagnosedFailure;
  await pki.trust(cert.der);
  io.stdout.write(
    `Trusted ${formatThumbprint(cert.thumbprint)} (${cert.subject}).\nProbe again to verify.\n`,
  );
  return EXIT.ok;
}
