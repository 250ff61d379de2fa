// Child processes for benchmarks (a hub, a raw broker + acker) and their CPU/RSS from /proc.
import { readFileSync } from 'node:fs';

export { type Child, startChild } from '@cellfleet/testkit';

export interface ProcSample {
  readonly at: number;
  /** user + system CPU seconds so far */
  readonly cpuSec: number;
  readonly rssMB: number;
  readonly peakRssMB: number;
}

const CLK_TCK = 100; // Linux USER_HZ; /proc/<pid>/stat counts in these (proc(5))

export function sample(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuSec = (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime (fields 14, 15)
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { at: Date.now(), cpuSec, rssMB: kb('VmRSS') / 1024, peakRssMB: kb('VmHWM') / 1024 };
}

/** Average CPU use between two samples, in % of one core. */
export const cpuPercent = (a: ProcSample, b: ProcSample) =>
  (100 * (b.cpuSec - a.cpuSec)) / ((b.at - a.at) / 1000);
