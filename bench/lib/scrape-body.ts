// What bench/scrape.ts reads out of a /metrics body: series counts, and promtool's verdict on
// the exposition format. Also the load sampler the scrape bench reports beside its times.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { delimiter, join } from 'node:path';

export interface SeriesCount {
  readonly all: number;
  readonly cellfleet: number;
  /** The one per-cell gauge; every other series is bounded by site × line × group × state/code. */
  readonly certificates: number;
}

export function countSeries(body: string): SeriesCount {
  const samples = body.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  return {
    all: samples.length,
    cellfleet: samples.filter((l) => l.startsWith('cellfleet_')).length,
    certificates: samples.filter((l) => l.startsWith('cellfleet_certificate_expiry_timestamp_seconds{'))
      .length,
  };
}

/** promtool on PATH, else the Debian package's /usr/bin/promtool; undefined when neither. */
export function findPromtool(): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean), '/usr/bin'];
  for (const dir of dirs) {
    const file = join(dir, 'promtool');
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {}
  }
  return undefined;
}

export type PromtoolVerdict =
  | { readonly ran: false }
  | { readonly ran: true; readonly ok: boolean; readonly version: string; readonly output: string };

/**
 * `promtool check metrics` reads an exposition from stdin and exits 0 when it parses and lints
 * clean (promtool 2.42: 3 for lint problems such as a missing HELP, 1 when it does not parse).
 */
export function checkWithPromtool(body: string): PromtoolVerdict {
  const tool = findPromtool();
  if (!tool) return { ran: false };
  const r = spawnSync(tool, ['check', 'metrics'], { input: body, encoding: 'utf8', timeout: 60_000 });
  const v = spawnSync(tool, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  const version = /version (\S+)/.exec(`${v.stdout}${v.stderr}`)?.[1] ?? 'unknown version';
  return { ran: true, ok: r.status === 0, version, output: `${r.stdout}${r.stderr}`.trim() };
}

/** 1-minute load average, sampled every `everyMs` until stopped. */
export function sampleLoad(everyMs: number) {
  const samples: number[] = [loadavg()[0]!];
  const timer = setInterval(() => samples.push(loadavg()[0]!), everyMs);
  return {
    stop() {
      clearInterval(timer);
      samples.push(loadavg()[0]!);
      const sorted = [...samples].sort((a, b) => a - b);
      return {
        min: sorted[0]!,
        median: sorted[Math.floor(sorted.length / 2)]!,
        max: sorted[sorted.length - 1]!,
      };
    },
  };
}

/**
 * The kernel's count of connections dropped because a listen queue was full (TcpExt
 * ListenOverflows in /proc/net/netstat): machine-wide, so other sessions' servers count too.
 * A dropped handshake costs the dialling agent SYN retransmits (1 s, 3 s, ...) or a reset.
 */
export function listenOverflows(): number | undefined {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
    const names = lines.find((l) => l.startsWith('TcpExt:'))?.split(/\s+/) ?? [];
    const values = lines.filter((l) => l.startsWith('TcpExt:'))[1]?.split(/\s+/) ?? [];
    const i = names.indexOf('ListenOverflows');
    return i > 0 && values[i] !== undefined ? Number(values[i]) : undefined;
  } catch {
    return undefined;
  }
}
