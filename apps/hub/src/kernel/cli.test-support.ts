// A CliIo for tests: output collected as text, a pinned clock and environment.
import type { CliIo } from './cli.ts';

export interface MemoryIo extends CliIo {
  /** Everything written to stdout and stderr, in order. */
  text(): string;
  out(): string;
  err(): string;
}

export function memoryIo(o: { now?: () => number; env?: Record<string, string> } = {}): MemoryIo {
  const all: string[] = [];
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout(t) {
      all.push(t);
      out.push(t);
    },
    stderr(t) {
      all.push(t);
      err.push(t);
    },
    now: o.now ?? Date.now,
    env: o.env ?? {},
    stopped: () => new Promise(() => {}),
    text: () => all.join(''),
    out: () => out.join(''),
    err: () => err.join(''),
  };
}
