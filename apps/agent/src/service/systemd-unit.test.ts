import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSystemdVersion, renderUnit } from './systemd-unit.ts';

const keys = (unit: string) =>
  unit
    .split('\n')
    .filter((l) => /^[A-Z]\w+=/.test(l))
    .map((l) => l.slice(0, l.indexOf('=')));

test('hardening the issue asks for: own user, ProtectSystem, NoNewPrivileges, restart, boot', () => {
  const unit = renderUnit({ cell: 'p1/l1/c1', readWritePaths: [], systemdVersion: 252 });
  for (const line of [
    'User=cellfleet',
    'Group=cellfleet',
    'ProtectSystem=strict',
    'ProtectHome=yes',
    'NoNewPrivileges=yes',
    'Restart=always',
    'RestartPreventExitStatus=2',
    'StartLimitIntervalSec=0',
    'StateDirectory=cellfleet',
    'CapabilityBoundingSet=',
    'UMask=0077',
    'WantedBy=multi-user.target',
    'ExecStart=/opt/cellfleet/bin/cellfleet-agent run --config /etc/cellfleet/agent.yaml',
  ]) {
    assert.ok(unit.split('\n').includes(line), line);
  }
  // V8 compiles to executable memory: MemoryDenyWriteExecute would kill the agent at start.
  assert.ok(!keys(unit).includes('MemoryDenyWriteExecute'));
});

const BACKOFF: Array<[number, string[], string[]]> = [
  [252, ['RestartSec=10s'], ['RestartSteps', 'RestartMaxDelaySec']],
  [253, ['RestartSec=10s'], ['RestartSteps', 'RestartMaxDelaySec']],
  [254, ['RestartSec=2s', 'RestartSteps=8', 'RestartMaxDelaySec=5min'], []],
  [257, ['RestartSec=2s', 'RestartSteps=8', 'RestartMaxDelaySec=5min'], []],
];

for (const [version, present, absent] of BACKOFF) {
  test(`systemd ${version}: restart backoff uses only keys it knows`, () => {
    const unit = renderUnit({ cell: 'c', readWritePaths: [], systemdVersion: version });
    for (const l of present) assert.ok(unit.split('\n').includes(l), l);
    for (const k of absent) assert.ok(!keys(unit).includes(k), k);
  });
}

test('writable: the binary folder (upgrade-agent) and a dataDir outside the state directory, nothing else', () => {
  const writable = (paths: string[]) =>
    renderUnit({ cell: 'c', readWritePaths: paths, systemdVersion: 252 })
      .split('\n')
      .filter((l) => l.startsWith('ReadWritePaths='));
  assert.deepEqual(writable(['/srv/cellfleet']), [
    'ReadWritePaths=/opt/cellfleet/bin',
    'ReadWritePaths=/srv/cellfleet',
  ]);
  assert.deepEqual(writable([]), ['ReadWritePaths=/opt/cellfleet/bin']);
});

test('parseSystemdVersion', () => {
  assert.equal(parseSystemdVersion('systemd 252 (252.38-1~deb12u1)\n+PAM +AUDIT'), 252);
  assert.equal(parseSystemdVersion('systemctl: not found'), 0);
});
