// How the hub and the agent log, for the operators who read it: JSON lines (pino) by default, a
// human format for a terminal (pino-pretty), and optionally the same JSON lines into a file
// rotated by size and time (rotating-file-stream), for hosts without journald. Both services
// build their logger here, so the two read the same and take the same settings.
import type { LogConfig, LogLevel } from '@cellfleet/protocol';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';

export interface LoggerOptions {
  readonly service: string;
  readonly level?: LogLevel | 'silent' | undefined;
  readonly config?: LogConfig | undefined;
  /** Fields on every line (the agent's cell id). */
  readonly base?: Readonly<Record<string, unknown>>;
  /** Where terminal output goes (default process.stdout); a test hands its own stream. */
  readonly stdout?: NodeJS.WritableStream;
}

export interface LoggerHandle {
  readonly logger: Logger;
  /** Flushes and closes the log file, if any. */
  close(): Promise<void>;
}

const DEFAULT_ROTATE_SIZE = '10M';
const DEFAULT_MAX_FILES = 10;

export function createLogger(o: LoggerOptions): LoggerHandle {
  const level = o.level ?? 'info';
  const out = o.stdout ?? process.stdout;
  const terminal =
    o.config?.format === 'pretty'
      ? pretty({
          destination: out,
          colorize: 'isTTY' in out && out.isTTY === true,
          translateTime: 'SYS:standard',
          ignore: 'pid,hostname',
          sync: true,
        })
      : out;
  const file = o.config?.file ? rotatingFile(o.config) : undefined;
  // The logger's level filters; each stream takes whatever it lets through.
  const streams: pino.StreamEntry[] = [{ level: 'trace', stream: terminal }];
  if (file) streams.push({ level: 'trace', stream: file });
  const logger = pino(
    { level, base: { svc: o.service, ...o.base } },
    pino.multistream(streams, { dedupe: false }),
  );
  return {
    logger,
    close: () =>
      new Promise<void>((resolve) => {
        if (!file) return resolve();
        file.end(() => resolve());
      }),
  };
}

function rotatingFile(c: LogConfig): RotatingFileStream {
  const path = c.file ?? '';
  const slash = path.lastIndexOf('/');
  // rotating-file-stream names rotated files from its generator; the live file keeps its name.
  const dir = slash >= 0 ? path.slice(0, slash) || '/' : '.';
  const name = slash >= 0 ? path.slice(slash + 1) : path;
  return createStream(
    (time: number | Date | null, index?: number) =>
      time === null ? name : `${name}.${stamp(time instanceof Date ? time : new Date(time))}.${index ?? 1}`,
    {
      path: dir,
      size: c.rotateSize ?? DEFAULT_ROTATE_SIZE,
      ...(c.rotateInterval ? { interval: c.rotateInterval } : {}),
      maxFiles: c.maxFiles ?? DEFAULT_MAX_FILES,
    },
  );
}

const stamp = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

/** `--log-format` and `--log-file` on top of a config file's `log` section. */
export function parseLogFlags(
  flags: { readonly 'log-format'?: string | undefined; readonly 'log-file'?: string | undefined },
  fromFile: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> | undefined {
  if (flags['log-format'] === undefined && flags['log-file'] === undefined)
    return fromFile && { ...fromFile };
  return {
    ...fromFile,
    ...(flags['log-format'] === undefined ? {} : { format: flags['log-format'] }),
    ...(flags['log-file'] === undefined ? {} : { file: flags['log-file'] }),
  };
}
