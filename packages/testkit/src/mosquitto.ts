// A real Mosquitto (Debian's package) on a free loopback port, with the password and ACL files
// the hub generates. .ci/run installs the package; a missing binary fails the test loudly.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from './ports.ts';

export const MOSQUITTO = '/usr/sbin/mosquitto';

export interface Mosquitto {
  readonly url: string;
  readonly port: number;
  /** SIGHUP: mosquitto re-reads its password and ACL files. */
  reload(): Promise<void>;
  stop(): Promise<void>;
  log(): string;
}

export async function startMosquitto(
  dir: string,
  files: { passwordFile: string; aclFile: string },
): Promise<Mosquitto> {
  if (!existsSync(MOSQUITTO))
    throw new Error(`${MOSQUITTO} not found: install Debian's mosquitto package (.ci/run does)`);
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous false',
      `password_file ${files.passwordFile}`,
      `acl_file ${files.aclFile}`,
      'persistence false',
      // As in docs/deploy.md: small QoS 1 packets otherwise wait on Nagle + delayed ACK (~40 ms).
      'set_tcp_nodelay true',
      'max_queued_messages 10000',
      // As in docs/deploy.md: the protocol's largest packet (MAX_PACKET_BYTES).
      'max_packet_size 266240',
      // Started as root (CI), mosquitto would switch to the "mosquitto" user and could not read
      // the 0600 files in this 0700 temp dir. A deployment gives the files to that user instead.
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      'log_type notice',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Ready when the port accepts a connection.
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited: ${out}`);
    if (await canConnect(port)) break;
    if (Date.now() > deadline) throw new Error(`mosquitto did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    async reload() {
      const before = out.length;
      child.kill('SIGHUP');
      // mosquitto logs "Reloading config." on SIGHUP; give it a moment to apply.
      const deadline = Date.now() + 5000;
      while (!out.slice(before).includes('Reloading') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 25));
      await new Promise((r) => setTimeout(r, 100));
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
    log: () => out,
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
