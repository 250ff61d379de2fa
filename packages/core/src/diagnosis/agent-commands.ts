// The exact agent command for one cell (issue 14, item 4): a fix step that says
// "cellfleet-agent trust 1a2b3c4d" works only where the agent's PKI is the CLI's default; the
// service keeps it in <dataDir>/pki of its config. The agent reports how it was started in its
// birth (executable and config file), and these functions write every agent command a
// diagnosis names with that executable and `--config`, so the step works as printed.
import type { AgentInvocation, DiagnosisSummary } from '@cellfleet/protocol';

/** Shown instead of the config path when the agent did not report one (an agent before 1.1). */
export const UNKNOWN_CONFIG = '<agent config file>';

/** Quotes a path for a shell (POSIX or cmd.exe) when it holds a space or a quote. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./\\-]+$/.test(word) ? word : `"${word.replaceAll('"', '\\"')}"`;
}

/** `<executable> <args> --config <file>` for this cell's agent. */
export function agentCommand(inv: AgentInvocation | null | undefined, args: string): string {
  const exe = inv ? shellWord(inv.command) : 'cellfleet-agent';
  return `${exe} ${args} --config ${inv ? shellWord(inv.config) : UNKNOWN_CONFIG}`;
}

export interface TrustCommands {
  readonly list: string;
  readonly show: string;
  readonly accept: string;
  readonly reject: string;
}

/** The trust commands for one server certificate, by its thumbprint's first 8 hex digits. */
export function trustCommands(inv: AgentInvocation | null | undefined, thumbprint: string): TrustCommands {
  const prefix = thumbprint.replaceAll(':', '').slice(0, 8).toLowerCase();
  return {
    list: agentCommand(inv, 'trust list'),
    show: agentCommand(inv, `trust show ${prefix}`),
    accept: agentCommand(inv, `trust accept ${prefix}`),
    reject: agentCommand(inv, `trust reject ${prefix}`),
  };
}

// `cellfleet-agent trust`, optionally an action and a thumbprint prefix, optionally a --config
// or --pki the text already carried (replaced: the cell's own config is the one that counts).
const TRUST =
  /cellfleet-agent trust(?: (list|show|accept|reject))?(?: ([0-9a-fA-F][0-9a-fA-F:]{3,}))?(?: --(?:config|pki) \S+)?/g;

/** One line with each agent trust command rewritten for this cell. */
export function exactCommandsIn(text: string, inv: AgentInvocation | null | undefined): string {
  return text.replace(TRUST, (_m, action: string | undefined, prefix: string | undefined) => {
    const act = action ?? (prefix ? 'accept' : 'list');
    return agentCommand(inv, prefix ? `trust ${act} ${prefix}` : `trust ${act}`);
  });
}

/** The diagnosis with every agent command in its evidence, causes and fix steps made exact. */
export function withExactCommands<D extends DiagnosisSummary>(
  d: D,
  inv: AgentInvocation | null | undefined,
): D {
  const fix = (lines: readonly string[] | undefined) => lines?.map((l) => exactCommandsIn(l, inv));
  return {
    ...d,
    summary: exactCommandsIn(d.summary, inv),
    ...(d.evidence ? { evidence: fix(d.evidence) } : {}),
    ...(d.causes ? { causes: fix(d.causes) } : {}),
    ...(d.remediation
      ? { remediation: d.remediation.map((r) => ({ ...r, steps: fix(r.steps) ?? [] })) }
      : {}),
    ...(d.verification ? { verification: exactCommandsIn(d.verification, inv) } : {}),
  };
}
