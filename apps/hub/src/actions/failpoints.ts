// Failpoints, for crash tests only: they let a multi-process test kill a hub replica at an
// exact step of dispatch, where a real crash would be a matter of luck. Armed by the
// environment variable CELLFLEET_FAILPOINTS, a comma list of `name=exit`, e.g.
//   CELLFLEET_FAILPOINTS=dispatch.after-commit=exit
// Names: `dispatch.after-commit` (a send of an action to a cell is committed, not published
// yet) and `dispatch.after-publish` (the broker took it). An armed failpoint logs one line to
// stderr and sends the process SIGKILL: no cleanup, no flush, as in a power cut. Unarmed (the
// variable unset, as in production) a call does nothing.

export const FAILPOINTS_ENV = 'CELLFLEET_FAILPOINTS';

export const FAILPOINT_NAMES = ['dispatch.after-commit', 'dispatch.after-publish'] as const;
export type FailpointName = (typeof FAILPOINT_NAMES)[number];

/** The names armed in a CELLFLEET_FAILPOINTS value; throws on a typo rather than never firing. */
export function parseFailpoints(value: string | undefined): ReadonlySet<string> {
  const armed = new Set<string>();
  for (const item of (value ?? '').split(',')) {
    const entry = item.trim();
    if (!entry) continue;
    const [name = '', action] = entry.split('=');
    if (!FAILPOINT_NAMES.includes(name as FailpointName) || action !== 'exit')
      throw new Error(
        `${FAILPOINTS_ENV}: "${entry}" is not name=exit with name one of ${FAILPOINT_NAMES.join(', ')}`,
      );
    armed.add(name);
  }
  return armed;
}

/** Calls a failpoint: kills the process there when it is armed, does nothing otherwise. */
export type Failpoint = (name: FailpointName) => void;

export const NO_FAILPOINTS: Failpoint = () => {};

/** The failpoints armed by a CELLFLEET_FAILPOINTS value (main.ts reads the variable). */
export function createFailpoints(value: string | undefined): Failpoint {
  const armed = parseFailpoints(value);
  if (armed.size === 0) return NO_FAILPOINTS;
  return (name) => {
    if (!armed.has(name)) return;
    process.stderr.write(`failpoint ${name}: killing the process\n`);
    process.kill(process.pid, 'SIGKILL');
  };
}
