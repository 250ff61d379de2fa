// The last failing capture per endpoint and client (issue 17): written under the data folder
// (mode 0600, one file per endpoint and client, at most MAX_FILES, none older than MAX_AGE),
// and handed to the hub as a `capture` message when the failure is new (first failure, a
// changed diagnosis, or an hour since the last upload), so the cell page can offer it without
// the agent uploading every five minutes.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CaptureBody, MAX_CAPTURE_BYTES } from '@cellfleet/protocol';
import type { ProbeResult } from '../probe/index.ts';

export const CAPTURE_RETENTION = {
  maxFiles: 32,
  maxAgeMs: 7 * 24 * 3600_000,
  reuploadMs: 3600_000,
} as const;

export interface CaptureKeeper {
  /** Keeps a failing probe's capture; returns the message to send the hub, if one is due. */
  keep(endpoint: string, client: string | undefined, result: ProbeResult): CaptureBody | undefined;
}

export const captureFileName = (endpoint: string, client?: string): string =>
  `${endpoint}${client ? `--${client}` : ''}.pcapng`;

export function createCaptureKeeper(o: { dir: string; now: () => number }): CaptureKeeper {
  const sent = new Map<string, { code: string; at: number }>();
  return {
    keep(endpoint, client, result) {
      const key = captureFileName(endpoint, client);
      const capture = result.capture;
      if (result.body.ok) {
        sent.delete(key);
        return undefined;
      }
      if (!capture || capture.length === 0) return undefined;
      mkdirSync(o.dir, { recursive: true, mode: 0o700 });
      const file = join(o.dir, key);
      writeFileSync(`${file}.tmp`, capture, { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
      prune(o.dir, o.now());
      const code = result.body.diagnosis.code;
      const last = sent.get(key);
      const due = !last || last.code !== code || o.now() - last.at >= CAPTURE_RETENTION.reuploadMs;
      if (!due || capture.length > MAX_CAPTURE_BYTES) return undefined;
      sent.set(key, { code, at: o.now() });
      return {
        endpoint,
        ...(client ? { client } : {}),
        at: result.body.startedAt,
        code,
        pcapng: Buffer.from(capture).toString('base64'),
      };
    },
  };
}

/** Bounded retention: captures older than maxAgeMs go, then the oldest beyond maxFiles. */
export function prune(dir: string, now: number): void {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.pcapng'))
    .map((f) => ({ path: join(dir, f), at: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  files.forEach((f, i) => {
    if (i >= CAPTURE_RETENTION.maxFiles || now - f.at > CAPTURE_RETENTION.maxAgeMs)
      rmSync(f.path, { force: true });
  });
}
