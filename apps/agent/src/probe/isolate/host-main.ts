// Entry point of the probe host child process (see host.ts); started by pool.ts with the IPC
// channel open and the memory budget as its one argument.
import { serveProbes } from './host.ts';

serveProbes({ memoryBudgetMb: Number(process.argv[2]) || 512 });
