// The Node flags the packaged agent starts with (the SEA's execArgv). V8's young generation
// (semi-spaces) may grow to 16 MB each by default; capped at 2 MB the agent's steady RSS is the
// same, and the peak of a 50k-node snapshot ~25 MB lower (bench/agent-memory.ts, BENCHMARKS.md).
export const AGENT_EXEC_ARGV = ['--max-semi-space-size=2'] as const;
