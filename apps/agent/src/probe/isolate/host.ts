// The probe host: the child process side. It runs one probe at a time with the real ladder,
// streams the evidence at every rung boundary, and when node-opcua throws where nobody can
// catch it (issue 12: an assertion in its packet assembler, a RangeError decoding a truncated
// ERR) or the process passes its memory budget, it reports what it was doing and what the
// server sent, then exits. It never resumes after such a fault: the parent starts a new host.
import { openAgentPki } from '../../pki/pki.ts';
import { probeEndpoint } from '../ladder.ts';
import type { Tap } from '../tap.ts';
import { type FaultKind, type FromHost, HOST_EXIT, type ProbeRequest, type ToHost } from './messages.ts';
import { HEARTBEAT_MS } from './watchdog.ts';

export interface HostOptions {
  /** Resident memory above which the host reports a fault and exits. */
  readonly memoryBudgetMb: number;
}

export function serveProbes(o: HostOptions): void {
  let current: { tap?: Tap } | undefined;
  const send = (m: FromHost, then?: () => void) => {
    if (!process.connected) return then?.();
    process.send?.(m, undefined, {}, () => then?.());
  };
  const fault = (kind: FaultKind, message: string) => {
    const notes = current?.tap?.notes(0) ?? [];
    const status = notes.find((n) => n.status)?.status;
    const exit = () => process.exit(HOST_EXIT[kind]);
    setTimeout(exit, 500).unref();
    send(
      { type: 'fault', kind, message, notes: notes.map((n) => n.text), ...(status ? { status } : {}) },
      exit,
    );
  };
  process.on('uncaughtException', (err) => fault('crash', describeCrash(err)));
  process.on('unhandledRejection', (err) => fault('crash', describeCrash(err)));
  const budget = o.memoryBudgetMb * 1024 * 1024;
  setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss > budget)
      fault('memory', `the probe used ${mb(rss)} MB, over its budget of ${o.memoryBudgetMb} MB`);
  }, 50).unref();
  process.on('message', (m: ToHost) => {
    if (m.type !== 'probe') return;
    current = {};
    const state = current;
    const beat = setInterval(() => send({ type: 'heartbeat', id: m.id }), HEARTBEAT_MS);
    run(m, send, (tap) => {
      state.tap = tap;
    }).finally(() => {
      clearInterval(beat);
      current = undefined;
    });
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready' });
}

async function run(m: ProbeRequest, send: (msg: FromHost) => void, onTap: (tap: Tap) => void): Promise<void> {
  let pki: Awaited<ReturnType<typeof openAgentPki>>;
  try {
    // Opened per probe: the agent (or `cellfleet-agent trust`) may have changed trusted/ since.
    pki = await openAgentPki({
      dir: m.pki.dir,
      ...(m.pki.applicationUri ? { applicationUri: m.pki.applicationUri } : {}),
      disableFileWatchers: true,
    });
  } catch (err) {
    send({
      type: 'error',
      id: m.id,
      message: `cannot open the PKI at ${m.pki.dir}: ${(err as Error).message}`,
    });
    return;
  }
  try {
    const result = await probeEndpoint(m.endpoint, {
      pki,
      timeoutMs: m.timeoutMs,
      ...(m.vendorHint ? { vendorHint: m.vendorHint } : {}),
      ...(m.clockSkewThresholdMs ? { clockSkewThresholdMs: m.clockSkewThresholdMs } : {}),
      ...(m.client ? { client: m.client } : {}),
      observe: (evidence, running) => send({ type: 'progress', id: m.id, evidence, running, at: Date.now() }),
      onTap,
    });
    send({ type: 'result', id: m.id, result });
  } catch (err) {
    send({ type: 'error', id: m.id, message: (err as Error).stack ?? String(err) });
  } finally {
    await pki.dispose();
  }
}

/** `RangeError: … (node-opcua-transport message_builder_base.js:258)`: the error and where. */
export function describeCrash(err: unknown): string {
  const e = err instanceof Error ? err : new Error(String(err));
  const where = (e.stack ?? '')
    .split('\n')
    .map((l) => /node_modules\/((?:@[^/]+\/)?[^/]+)\/.*\/([^/]+\.js:\d+)/.exec(l))
    .find((x) => x !== null);
  const first = `${e.name}: ${e.message}`.split('\n')[0]?.slice(0, 300) ?? e.name;
  return where ? `${first} (${where[1]} ${where[2]})` : first;
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
