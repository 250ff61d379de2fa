// Every `cellfleet-agent <command>` is a function of its arguments and streams that returns
// the exit code: 0 ok, 1 a diagnosed failure, 2 bad usage. main.ts is the only caller.
import type { Writable } from 'node:stream';

export interface CliIO {
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable;
}

export type CliCommand = (argv: readonly string[], io: CliIO) => Promise<number>;

/** `upgraded`: upgrade-agent put a new build in place; the service manager restarts into it. */
export const EXIT = { ok: 0, diagnosedFailure: 1, usage: 2, upgraded: 75 } as const;
