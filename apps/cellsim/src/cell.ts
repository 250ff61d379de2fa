import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFault, needsRestart, networkMode } from './faults.ts';
import { openFront } from './front.ts';
import { readCertificateFile, rejectedCertificates } from './pki.ts';
import { type InnerServer, startInnerServer } from './server.ts';
import { createCellState } from './state.ts';
import { CELL_KINDS, type CellOptions, type Fault, type RunningCell } from './types.ts';
import { PROFILES } from './vendors/index.ts';

// startCell wires a cell: state (faults, parameters, clock) + front listener on the public
// port + inner node-opcua server. Fault switches are serialised so a test that fires several
// without awaiting still ends in the last requested state.

function validate(options: CellOptions): void {
  if (!CELL_KINDS.includes(options.kind)) {
    throw new Error(`kind: expected one of ${CELL_KINDS.join(', ')}, got ${JSON.stringify(options.kind)}`);
  }
  if (!options.name) throw new Error('name: a cell needs a name, e.g. press-01');
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`port: expected 0-65535, got ${port}`);
  validateFaults(options.faults ?? []);
  const extra = options.extraNodes ?? 0;
  if (!Number.isInteger(extra) || extra < 0)
    throw new Error(`extraNodes: expected a whole number >= 0, got ${extra}`);
}

function validateFaults(faults: readonly string[]): void {
  for (const f of faults) if (!isFault(f)) throw new Error(`fault: unknown fault ${JSON.stringify(f)}`);
}

// node-opcua-pki may still be releasing a lock file in the store when dispose() resolves;
// retrying covers ENOTEMPTY, and a temp dir left behind must not fail stop()
function removeTempDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  } catch {
    // left for the OS to clean up
  }
}

/** A host to dial and advertise: a wildcard bind address is reachable as loopback. */
function dialHost(host: string): string {
  return host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
}

export async function startCell(options: CellOptions): Promise<RunningCell> {
  validate(options);
  const state = createCellState(PROFILES[options.kind], options);
  const host = options.host ?? '127.0.0.1';
  const ownPki = options.pkiDir === undefined;
  const pkiDir = options.pkiDir ?? mkdtempSync(join(tmpdir(), `cellsim-${options.kind}-pki-`));
  const trusted: Buffer[] = [...(options.trustedClientCertificates ?? [])];

  const front = await openFront(host, options.port ?? 0, networkMode(state.faults));
  const advertised = { host: dialHost(host), port: front.port };
  const innerOptions = { state, cell: options, pkiDir, advertised, trusted: () => trusted };
  let inner: InnerServer;
  try {
    inner = await startInnerServer(innerOptions);
  } catch (err) {
    await front.close();
    if (ownPki) removeTempDir(pkiDir);
    throw err;
  }
  front.setTarget(inner.port);

  let queue: Promise<void> = Promise.resolve();
  const serialise = (task: () => Promise<void>): Promise<void> => {
    const run = queue.then(task);
    queue = run.catch(() => undefined);
    return run;
  };

  const switchFaults = async (faults: Fault[]): Promise<void> => {
    const before = new Set(state.faults);
    state.setFaults(faults);
    if (needsRestart(before, state.faults)) {
      front.setTarget(undefined);
      await inner.stop();
      inner = await startInnerServer(innerOptions);
      front.setTarget(inner.port);
    } else {
      await inner.applyFaults();
    }
    await front.setMode(networkMode(state.faults));
  };

  let stopped = false;
  return {
    endpointUrl: `opc.tcp://${advertised.host}:${front.port}${state.profile.resourcePath}`,
    port: front.port,
    options,
    setFaults(faults) {
      validateFaults(faults);
      if (stopped) return Promise.reject(new Error(`cell ${options.name} is stopped`));
      return serialise(() => switchFaults([...new Set(faults)]));
    },
    readParameter: (path) => state.readParameter(path),
    setParameter: (path, value) => state.setParameter(path, value),
    rejectedClientCertificates: async () => rejectedCertificates(inner.certificateManager),
    trustClientCertificate: (der) =>
      serialise(async () => {
        if (!trusted.some((t) => t.equals(der))) trusted.push(der);
        await inner.certificateManager.trustCertificate(der);
      }),
    serverCertificate: () => readCertificateFile(inner.certificateFile),
    stop: () =>
      serialise(async () => {
        if (stopped) return;
        stopped = true;
        await front.close();
        await inner.stop();
        if (ownPki) removeTempDir(pkiDir);
      }),
  };
}
