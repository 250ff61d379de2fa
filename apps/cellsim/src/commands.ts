import { isFault } from './faults.ts';
import type { Fault, RunningCell } from './types.ts';

// Runtime control of a CLI cell through stdin lines, so an end-to-end test or a demo script
// can break and heal a cell without restarting its process. Each line gets one answer line.

export type Command =
  | { kind: 'fault'; op: 'add' | 'remove' | 'set'; faults: Fault[] }
  | { kind: 'fault-clear' }
  | { kind: 'faults' }
  | { kind: 'set'; path: string; value: string }
  | { kind: 'get'; path: string }
  | { kind: 'trust-rejected' }
  | { kind: 'help' }
  | { kind: 'empty' };

export const COMMAND_HELP =
  'commands: fault add|remove|set F... | fault clear | faults | set <path> <value> | get <path> | trust-rejected | help';

/** Parse one stdin line; throws an Error whose message names the bad word. */
export function parseCommand(line: string): Command {
  const words = line.trim().split(/\s+/).filter(Boolean);
  const [verb, ...rest] = words;
  switch (verb) {
    case undefined:
      return { kind: 'empty' };
    case 'fault': {
      const [op, ...names] = rest;
      if (op === 'clear' && names.length === 0) return { kind: 'fault-clear' };
      if (op !== 'add' && op !== 'remove' && op !== 'set') {
        throw new Error(`fault: expected add, remove, set or clear, got ${JSON.stringify(op ?? '')}`);
      }
      if (op !== 'set' && names.length === 0) throw new Error(`fault ${op}: name at least one fault`);
      for (const n of names)
        if (!isFault(n)) throw new Error(`fault ${op}: unknown fault ${JSON.stringify(n)}`);
      return { kind: 'fault', op, faults: names as Fault[] };
    }
    case 'faults':
      return { kind: 'faults' };
    case 'set': {
      const [path, ...value] = rest;
      if (!path || value.length === 0) throw new Error('set: expected set <path> <value>');
      return { kind: 'set', path, value: value.join(' ') };
    }
    case 'get': {
      const [path] = rest;
      if (!path) throw new Error('get: expected get <path>');
      return { kind: 'get', path };
    }
    case 'trust-rejected':
      return { kind: 'trust-rejected' };
    case 'help':
      return { kind: 'help' };
    default:
      throw new Error(`unknown command ${JSON.stringify(verb)}; ${COMMAND_HELP}`);
  }
}

function nextFaults(current: readonly Fault[], command: Extract<Command, { kind: 'fault' }>): Fault[] {
  switch (command.op) {
    case 'add':
      return [...new Set([...current, ...command.faults])];
    case 'remove':
      return current.filter((f) => !command.faults.includes(f));
    case 'set':
      return [...new Set(command.faults)];
  }
}

export interface CommandSession {
  /** Run one parsed command; returns the answer line (without the "cellsim: " prefix). */
  run(command: Command): Promise<string>;
}

export function commandSession(cell: RunningCell): CommandSession {
  let faults: Fault[] = [...(cell.options.faults ?? [])];
  const describe = (): string => `faults = ${faults.length > 0 ? faults.join(' ') : '(none)'}`;
  return {
    async run(command) {
      switch (command.kind) {
        case 'fault':
        case 'fault-clear': {
          const next = command.kind === 'fault-clear' ? [] : nextFaults(faults, command);
          await cell.setFaults(next);
          faults = next;
          return describe();
        }
        case 'faults':
          return describe();
        case 'set':
          cell.setParameter(command.path, command.value);
          return `${command.path} = ${JSON.stringify(cell.readParameter(command.path))}`;
        case 'get':
          return `${command.path} = ${JSON.stringify(cell.readParameter(command.path))}`;
        case 'trust-rejected': {
          const rejected = await cell.rejectedClientCertificates();
          for (const der of rejected) await cell.trustClientCertificate(der);
          return `trusted ${rejected.length} rejected client certificate(s)`;
        }
        case 'help':
          return COMMAND_HELP;
        case 'empty':
          return '';
      }
    },
  };
}
