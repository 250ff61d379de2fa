// `run --config FILE --upgrade-trial`: what upgrade-agent asks of a new build before it replaces
// the running one (actions/upgrade.ts). The build must load, read and validate the config, open
// its PKI and reach the hub with the agent's credentials; it then exits 0. It connects under a
// client id of its own and publishes nothing, so the running agent's session is not disturbed.
import { readFileSync } from 'node:fs';
import { cellId } from '@cellfleet/protocol';
import { connectAsync } from 'mqtt';
import { type CliIO, EXIT } from '../cli-types.ts';
import type { ResolvedConfig } from '../config/load.ts';
import { openAgentPki, runtimePkiDir } from '../pki/index.ts';

const TRIAL_CONNECT_MS = 30_000;

export async function upgradeTrial(config: ResolvedConfig, io: CliIO): Promise<number> {
  const cell = cellId(config.identity);
  const pki = await openAgentPki({ dir: runtimePkiDir(config.dataDir), disableFileWatchers: true });
  await pki.dispose();
  try {
    const client = await connectAsync(config.hub.url, {
      clientId: `cellfleet-agent-${cell}-trial`,
      username: config.hub.username,
      password: config.hub.password,
      ...(config.hub.caFile ? { ca: readFileSync(config.hub.caFile) } : {}),
      connectTimeout: TRIAL_CONNECT_MS,
      reconnectPeriod: 0,
      clean: true,
    });
    await client.endAsync();
  } catch (err) {
    io.stderr.write(`upgrade trial: cannot reach the hub at ${config.hub.url}: ${(err as Error).message}\n`);
    return EXIT.diagnosedFailure;
  }
  io.stdout.write(`upgrade trial: ${cell} loaded its config and PKI and reached the hub\n`);
  return EXIT.ok;
}
