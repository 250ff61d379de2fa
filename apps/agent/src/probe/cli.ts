// `cellfleet-agent probe` (CliCommand contract in cli-types.ts: exit 0 ok, 1 diagnosed failure,
// 2 bad usage). `trust` lives in ../trust/cli.ts.
import type { CliCommand, CliIO } from '../cli-types.ts';
import { EXIT } from '../cli-types.ts';
import { openAgentPki } from '../pki/pki.ts';
import { parseProbeArgs, UsageError } from './cli-args.ts';
import { formatProbe } from './cli-format.ts';
import { PROBE_HELP } from './cli-help.ts';
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
