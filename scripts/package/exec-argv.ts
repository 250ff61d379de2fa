// The Node flags the packaged agent starts with (the SEA's execArgv). V8's young generation
// (semi-spaces) may grow to 16 MB each by default; the agent's allocation rate is low, so
// a small cap costs no measurable CPU and keeps RSS down (bench/agent-memory.ts).
export const AGENT_EXEC_ARGV = ['--max-semi-space-size=2'] as const;
