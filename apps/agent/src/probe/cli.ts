// `cellfleet-agent probe` (CliCommand contract in cli-types.ts: exit 0 ok, 1 diagnosed failure,
// 2 bad usage). `trust` lives in ../trust/cli.ts.
// The probe runs in a probe host (isolate/), so this process loads no node-opcua for it and
// its stdout carries nothing but the result (issue 12: node-opcua log lines before --json).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliCommand, CliIO } from '../cli-types.ts';
import { EXIT } from '../cli-types.ts';
import { parseProbeArgs, UsageError } from './cli-args.ts';
import { type AgentCertificateView, formatProbe } from './cli-format.ts';
import { PROBE_HELP } from './cli-help.ts';
import { createProbePool } from './isolate/pool.ts';
import type { ProbeResult } from './ladder.ts';

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
  const endpoint = {
    name: 'cli',
    url: args.url,
    security: args.security,
    allowSecurityNone: args.allowNone,
    trustOnFirstUse: args.trustOnFirstUse,
    ...(args.user === undefined ? {} : { user: args.user }),
    ...(args.password === undefined ? {} : { password: args.password }),
  };
  const pool = createProbePool({ maxHosts: 1, onLog: (line) => io.stderr.write(`${line}\n`) });
  try {
    const result = await pool.probe(endpoint, {
      pki: { dir: args.pki },
      timeoutMs: args.timeoutMs,
      ...(args.vendor ? { vendorHint: args.vendor } : {}),
    });
    if (args.capture) writeCapture(args.capture, result, io);
    io.stdout.write(
      args.json
        ? `${JSON.stringify(result.body, null, 2)}\n`
        : formatProbe(result, agentOf(result, args.pki), args.pki),
    );
    return result.body.ok ? EXIT.ok : EXIT.diagnosedFailure;
  } finally {
    await pool.close();
  }
};

/** `--capture FILE`: the pcapng goes to the file, a line about it to stderr (stdout stays the result). */
function writeCapture(file: string, result: ProbeResult, io: CliIO): void {
  if (!result.capture) {
    io.stderr.write(`no capture written to ${file}: the probe host stopped before it could hand one over\n`);
    return;
  }
  writeFileSync(file, result.capture, { mode: 0o600 });
  io.stderr.write(`capture: ${file} (${result.capture.length} bytes, pcapng; open it in Wireshark)\n`);
}

/** What the human output shows of the agent's certificate, from the probe's own evidence. */
function agentOf(r: ProbeResult, dir: string): AgentCertificateView {
  const c = r.evidence.agentCertificate;
  return {
    certificate: { thumbprint: c?.thumbprint ?? '', notAfter: c?.notAfter ?? 0 },
    applicationUri: c?.applicationUri ?? '(unknown)',
    certificateFile: join(dir, 'own', 'certs', 'client_certificate.pem'),
  };
}
