// The Windows plan is data, checked here on any OS; running it needs Windows (docs/install.md).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { installCommands, renderWinswXml, uninstallCommands, windowsLayout } from './winsw.ts';

const L = windowsLayout('C:\\');

test('layout: a stable binary path under Program Files, config and state under ProgramData', () => {
  assert.equal(L.binary, 'C:\\Program Files\\Cellfleet\\cellfleet-agent.exe');
  assert.equal(L.config, 'C:\\ProgramData\\Cellfleet\\agent.yaml');
  assert.equal(L.stateDir, 'C:\\ProgramData\\Cellfleet\\data');
});

test('WinSW XML: automatic start, restart on failure, the agent with its config; text escaped', () => {
  const x = renderWinswXml(L, 'plant&co/l1/<c1>');
  assert.match(x, /<id>cellfleet-agent<\/id>/);
  assert.match(x, /<executable>C:\\Program Files\\Cellfleet\\cellfleet-agent\.exe<\/executable>/);
  assert.match(x, /<arguments>run --config "C:\\ProgramData\\Cellfleet\\agent\.yaml"<\/arguments>/);
  assert.match(x, /<startmode>Automatic<\/startmode>/);
  assert.equal(x.match(/<onfailure action="restart"/g)?.length, 3);
  assert.match(x, /plant&amp;co\/l1\/&lt;c1&gt;/);
  assert.ok(!x.includes('<c1>'));
});

test('install: ACLs first, then the service, least privilege, SCM recovery, start', () => {
  const cmds = installCommands(L, true).map((c) => [c.cmd, ...c.args].join(' '));
  const configAcl = cmds.find((c) => c.startsWith(`icacls ${L.config}`)) ?? '';
  assert.match(configAcl, /\/inheritance:r \/grant:r \*S-1-5-18:F \*S-1-5-32-544:F \*S-1-5-19:R$/);
  const order = [
    'icacls',
    `${L.wrapper} install`,
    'sc.exe config',
    'sc.exe failure ',
    'sc.exe failureflag',
    'sc.exe start',
  ];
  let at = -1;
  for (const prefix of order) {
    const i = cmds.findIndex((c, n) => n > at && c.startsWith(prefix));
    assert.ok(i > at, `${prefix} after step ${at}`);
    at = i;
  }
  assert.match(
    cmds.find((c) => c.startsWith('sc.exe config')) ?? '',
    /start= auto obj= NT AUTHORITY\\LocalService/,
  );
  assert.ok(!installCommands(L, false).some((c) => c.args[0] === 'start'), '--no-start');
  assert.deepEqual(
    uninstallCommands(L).map((c) => c.args[0]),
    ['stop', 'uninstall'],
  );
});
