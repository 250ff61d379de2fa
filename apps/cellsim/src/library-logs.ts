// node-opcua prints its servers' warnings and errors ("Sender Certificate Error …" for every
// client a strict cell refuses) with console.log. Where they go is the caller's choice: stderr for
// the CLI, whose stdout carries answers; a file for the demo, whose stdout is for people.
import { setErrorLogger, setWarningLogger } from 'node-opcua';

export function routeLibraryLogs(write: (line: string) => void): void {
  const sink = (...args: unknown[]): void => {
    write(args.map((a) => (typeof a === 'string' ? a : String(a))).join(' '));
  };
  setWarningLogger(sink);
  setErrorLogger(sink);
}
