// The copy of the agent's config that the service reads. Paths the service needs are made
// absolute (it runs with another working directory and ProtectHome), the state goes to the
// service's state directory unless the config names one, and the hub CA travels along.
// Comments and key order of the original survive (yaml Document API).
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { parseConfig } from '../config/load.ts';

export interface InstalledConfig {
  readonly text: string;
  readonly cell: string;
  readonly dataDir: string;
  /** Files to copy next to the installed config (the hub CA). */
  readonly copies: ReadonlyArray<{ from: string; to: string }>;
  readonly notes: readonly string[];
}

export interface InstallPaths {
  readonly configDir: string;
  readonly stateDir: string;
}

export function installedConfig(text: string, source: string, paths: InstallPaths): InstalledConfig {
  const parsed = parseConfig(text, source); // refuses an invalid config before anything is written
  const base = dirname(resolve(source));
  const doc = parseDocument(text);
  const notes: string[] = [];
  const copies: Array<{ from: string; to: string }> = [];
  const rawDataDir = doc.getIn(['dataDir']);
  let dataDir = paths.stateDir;
  if (typeof rawDataDir === 'string' && isAbsolute(rawDataDir)) {
    dataDir = rawDataDir;
    notes.push(`dataDir ${rawDataDir} kept (the unit may write there)`);
  } else {
    doc.setIn(['dataDir'], paths.stateDir);
    notes.push(`dataDir set to ${paths.stateDir} (outbox, PKI, ledger)`);
  }
  const ca = parsed.hub.caFile;
  if (ca !== undefined) {
    const to = join(paths.configDir, basename(ca));
    copies.push({ from: ca, to });
    doc.setIn(['hub', 'caFile'], to);
    notes.push(`hub.caFile copied to ${to}`);
  }
  const lock = doc.getIn(['maintenance', 'lockFile']);
  if (typeof lock === 'string' && !isAbsolute(lock)) {
    doc.setIn(['maintenance', 'lockFile'], resolve(base, lock));
    notes.push(`maintenance.lockFile made absolute: ${resolve(base, lock)}`);
  }
  const cell = `${parsed.identity.site}/${parsed.identity.line}/${parsed.identity.cell}`;
  return { text: doc.toString(), cell, dataDir, copies, notes };
}

/** A config holds the hub secret: anything beyond owner read/write is a problem. */
export function modeProblem(file: string, mode: number): string | undefined {
  if ((mode & 0o077) === 0) return undefined;
  const octal = (mode & 0o777).toString(8).padStart(3, '0');
  return `${file} is mode ${octal}: it holds the hub password and must be 600 (chmod 600 ${file})`;
}
