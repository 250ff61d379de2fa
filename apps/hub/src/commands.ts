// The hub's commands: one row each, the function living in its feature's cli.ts.
import { agentBuildCommand } from './actions/index.ts';
import { auditCommand } from './audit/index.ts';
import { userCommand } from './auth/index.ts';
import { brokerConfigCommand, enrollCommand } from './cells/index.ts';
import type { CommandSpec } from './kernel/cli.ts';
import { keysCommand } from './keys/index.ts';
import { serveCommand } from './serve.ts';
import { compareCommand, tallyCommand } from './snapshots/index.ts';

export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  serve: {
    run: serveCommand,
    summary: 'run the hub: broker (embedded) or link (external), ingest, HTTP API and UI',
  },
  enroll: { run: enrollCommand, summary: "register a cell and print its agent's config file" },
  'broker-config': {
    run: brokerConfigCommand,
    summary: "write an external broker's credentials and ACL from the enrollments",
  },
  user: { run: userCommand, summary: 'add users with a role, list them, reset passwords, issue API tokens' },
  audit: { run: auditCommand, summary: 'verify the hash-chained audit log, or export it' },
  compare: { run: compareCommand, summary: 'sister-cell comparison report of a group (html, csv, md, json)' },
  tally: {
    run: tallyCommand,
    summary: 'recount the sister tally from the latest snapshots; report and repair differences',
  },
  keys: { run: keysCommand, summary: 'list, stage, activate and retire action-signing keys' },
  'agent-build': {
    run: agentBuildCommand,
    summary: 'add signed agent builds for the upgrade-agent action, list them',
  },
};
