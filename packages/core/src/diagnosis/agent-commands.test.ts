// Agent commands in fix steps, made exact for one cell from what its birth reported.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DiagnosisSummary } from '@cellfleet/protocol';
import { agentCommand, exactCommandsIn, trustCommands, withExactCommands } from './agent-commands.ts';

const SERVICE = { command: '/opt/cellfleet/bin/cellfleet-agent', config: '/etc/cellfleet/agent.yaml' };
const WINDOWS = {
  command: 'C:\\Program Files\\Cellfleet\\cellfleet-agent.exe',
  config: 'C:\\ProgramData\\Cellfleet\\agent.yaml',
};

test('each way a step names the trust command becomes the exact command for the cell', () => {
  const cases: Array<[string, string]> = [
    [
      'If they match: cellfleet-agent trust 1a2b3c4d',
      'If they match: /opt/cellfleet/bin/cellfleet-agent trust accept 1a2b3c4d --config /etc/cellfleet/agent.yaml',
    ],
    [
      'move it with: cellfleet-agent trust accept AB:CD:EF:01',
      'move it with: /opt/cellfleet/bin/cellfleet-agent trust accept AB:CD:EF:01 --config /etc/cellfleet/agent.yaml',
    ],
    [
      '(cellfleet-agent trust).',
      '(/opt/cellfleet/bin/cellfleet-agent trust list --config /etc/cellfleet/agent.yaml).',
    ],
    [
      'cellfleet-agent trust reject 1a2b3c4d --pki /tmp/p',
      '/opt/cellfleet/bin/cellfleet-agent trust reject 1a2b3c4d --config /etc/cellfleet/agent.yaml',
    ],
    ['cellfleet-agent probe host:4840 --json', 'cellfleet-agent probe host:4840 --json'],
  ];
  for (const [line, exact] of cases) assert.equal(exactCommandsIn(line, SERVICE), exact, line);
});

test('a Windows path with spaces is quoted; an agent that reported nothing gets a placeholder', () => {
  assert.equal(
    agentCommand(WINDOWS, 'trust list'),
    '"C:\\Program Files\\Cellfleet\\cellfleet-agent.exe" trust list --config C:\\ProgramData\\Cellfleet\\agent.yaml',
  );
  assert.deepEqual(trustCommands(undefined, 'ABCDEF0123456789'), {
    list: 'cellfleet-agent trust list --config <agent config file>',
    show: 'cellfleet-agent trust show abcdef01 --config <agent config file>',
    accept: 'cellfleet-agent trust accept abcdef01 --config <agent config file>',
    reject: 'cellfleet-agent trust reject abcdef01 --config <agent config file>',
  });
});

test('a whole diagnosis: steps, evidence and causes are rewritten, nothing else changes', () => {
  const d: DiagnosisSummary = {
    code: 'server-cert-untrusted',
    severity: 'error',
    summary: 'This agent does not trust the server certificate yet.',
    evidence: ["If the thumbprint is the server's, move it with: cellfleet-agent trust 1a2b3c4d"],
    causes: ['cellfleet-agent trust moves it'],
    remediation: [
      {
        vendor: 'generic',
        product: 'any',
        steps: ['If they match: cellfleet-agent trust 1a2b3c4d', 'Restart.'],
      },
    ],
  };
  const exact = withExactCommands(d, SERVICE);
  assert.equal(exact.summary, d.summary);
  assert.equal(exact.remediation?.[0]?.steps[1], 'Restart.');
  assert.match(
    exact.remediation?.[0]?.steps[0] ?? '',
    /trust accept 1a2b3c4d --config \/etc\/cellfleet\/agent\.yaml$/,
  );
  assert.match(
    exact.evidence?.[0] ?? '',
    /\/opt\/cellfleet\/bin\/cellfleet-agent trust accept 1a2b3c4d --config/,
  );
  assert.equal(
    exact.causes?.[0],
    '/opt/cellfleet/bin/cellfleet-agent trust list --config /etc/cellfleet/agent.yaml moves it',
  );
  assert.equal(
    d.remediation?.[0]?.steps[0],
    'If they match: cellfleet-agent trust 1a2b3c4d',
    'the input is not changed',
  );
});
