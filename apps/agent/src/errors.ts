// One error type for expected failures at the agent's edges (bad config, bad usage).
// The code decides the exit status; the message is written for the person at the terminal.
export const AGENT_ERROR_EXIT = { 'config-invalid': 2, usage: 2, 'config-unreadable': 2, io: 1 } as const;
export type AgentErrorCode = keyof typeof AGENT_ERROR_EXIT;

export class AgentError extends Error {
  readonly code: AgentErrorCode;
  constructor(code: AgentErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AgentError';
    this.code = code;
  }
}
