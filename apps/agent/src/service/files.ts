// File steps of an install: every file is written beside its target and renamed over it, so a
// reader (systemd, a running agent, an upgrade in progress) sees the old file or the new one,
// never half of one (rename(2) is atomic within a filesystem).
import { chmodSync, chownSync, copyFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Account } from './passwd.ts';

export interface FileOptions {
  readonly mode: number;
  /** Owner; undefined keeps the installer's (root). */
  readonly owner?: Account | undefined;
}

function settle(tmp: string, target: string, o: FileOptions): void {
  chmodSync(tmp, o.mode);
  if (o.owner) chownSync(tmp, o.owner.uid, o.owner.gid);
  renameSync(tmp, target);
}

export function writeAtomic(target: string, text: string, o: FileOptions): void {
  mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
  const tmp = `${target}.new`;
  writeFileSync(tmp, text, { mode: 0o600 });
  settle(tmp, target, o);
}

export function copyAtomic(from: string, target: string, o: FileOptions): void {
  mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
  const tmp = `${target}.new`;
  copyFileSync(from, tmp);
  settle(tmp, target, o);
}

export function ensureDir(dir: string, o: FileOptions): void {
  mkdirSync(dir, { recursive: true, mode: o.mode });
  chmodSync(dir, o.mode);
  if (o.owner) chownSync(dir, o.owner.uid, o.owner.gid);
}
