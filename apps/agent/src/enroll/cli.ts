// `cellfleet-agent enroll --token T --hub URL --config FILE`: exchange a one-time enrollment
// token (from `cellfleet-hub enroll --token` or the hub's Enrollment page) for this cell's
// credentials and the hub's action keys, and write them as the agent's config file, mode 0600.
// `run --enroll-token T --hub URL --config FILE` does the same on first start.
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { type CliCommand, type CliIO, EXIT } from '../cli-types.ts';
import { parseConfig } from '../config/load.ts';
import { AgentError } from '../errors.ts';
import { exchangeEnrollToken } from './exchange.ts';
import { ENROLL_OPTIONS, type EnrollFlags, enrollFlagsOf } from './flags.ts';

export const ENROLL_HELP = `cellfleet-agent enroll — exchange a one-time enrollment token for this agent's config

Usage:
  cellfleet-agent enroll --token T --hub https://HUB:8080 --config FILE
                         [--hub-fingerprint SHA256 | --hub-ca FILE]

Asks the hub (POST /api/enroll) for this cell's credentials and the hub's action-signing keys,
and writes them to FILE (mode 0600; it holds the agent's secret). A token works once and
expires (default 1 h): get one from "cellfleet-hub enroll --token …" or the hub's Enrollment
page. FILE must not exist yet.

Options:
  --token T                 the one-time token (cfe_…)
  --hub URL                 the hub's API address (https://…; http:// only to this machine)
  --hub-fingerprint SHA256  the SHA-256 fingerprint of the hub's certificate, for a self-signed
                            hub (openssl x509 -noout -fingerprint -sha256 -in hub.crt)
  --hub-ca FILE             the CA (PEM) that signed the hub's certificate
  --config FILE             where to write the agent's config

Then: cellfleet-agent run --config FILE (or: cellfleet-agent service install --config FILE).
`;

/** Exchanges the token and writes the config (atomically, 0600); returns the cell id. */
export async function enrollAgent(f: EnrollFlags): Promise<string> {
  if (existsSync(f.config))
    throw new AgentError(
      'usage',
      `${f.config} exists already: this agent is enrolled (remove it to enroll again)`,
    );
  // The file is opened before the token is spent: a folder the agent cannot write to must not
  // cost the token.
  const tmp = `${f.config}.tmp-${process.pid}`;
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', 0o600);
  } catch (err) {
    throw new AgentError('io', `cannot write ${f.config}: ${(err as Error).message}`, { cause: err });
  }
  let closed = false;
  try {
    const answer = await exchangeEnrollToken({
      hub: f.hub,
      token: f.token,
      ...(f.fingerprint ? { fingerprint: f.fingerprint } : {}),
      ...(f.caFile ? { caFile: f.caFile } : {}),
    });
    // The API is kept with its certificate check: upgrade-agent fetches builds there.
    const api = {
      url: new URL(f.hub).origin,
      ...(f.fingerprint ? { fingerprint: f.fingerprint } : {}),
      ...(f.caFile ? { caFile: resolve(f.caFile) } : {}),
    };
    const config = { ...answer.config, hub: { ...answer.config.hub, api } };
    const text = `# Cellfleet agent config for ${answer.id}, enrolled with a one-time token from ${api.url}.\n# Contains this agent's secret: keep it readable only by the agent's user (mode 0600).\n${stringify(config)}`;
    // The agent must accept what it writes: a hub answer its own config schema refuses stops here.
    parseConfig(text, `${f.hub}/api/enroll`);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    closed = true;
    renameSync(tmp, f.config);
    return answer.id;
  } catch (err) {
    if (!closed) closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
}

export const enrollCommand: CliCommand = async (argv, io: CliIO) => {
  const { values: v } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      token: { type: 'string' },
      config: { type: 'string', short: 'c' },
      ...ENROLL_OPTIONS,
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (v.help) {
    io.stdout.write(ENROLL_HELP);
    return EXIT.ok;
  }
  if (!v.token) throw new AgentError('usage', '--token T is required (see cellfleet-agent enroll --help)');
  const flags = enrollFlagsOf(v, v.token, v.config);
  const id = await enrollAgent(flags);
  io.stdout.write(
    `enrolled ${id}; config written to ${flags.config} (mode 0600)\nnext: cellfleet-agent run --config ${flags.config}\n`,
  );
  return EXIT.ok;
};
