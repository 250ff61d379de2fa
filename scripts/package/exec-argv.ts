// The Node flags the packaged agent starts with (the SEA's execArgv). V8's young generation
// (semi-spaces) may grow to 16 MB each by default; capped at 2 MB, two 3-run benches showed no
// difference at idle or steady state (±2 MB) and 2-28 MB less at a 50k-node snapshot's peak
// (bench/agent-memory.ts, its "V8 default young generation" column). It never cost memory.
export const AGENT_EXEC_ARGV = ['--max-semi-space-size=2'] as const;
