import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseCli } from './cli.ts';
import { parseCommand } from './commands.ts';
import { disposeClientCertificateManager, readValue, withSession } from './test-helpers.ts';

after(disposeClientCertificateManager);

describe('parseCli', () => {
  it('parses repeatable faults and parameters', () => {
    const r = parseCli([
      '--kind',
      'kepware',
      '--name',
      'p1',
      '--port',
      '0',
      '--fault',
      'strict-pki',
      '--fault',
      'clock-skew',
      '--param',
      'Channel1.Device1.Recipe.Speed=120',
    ]);
    assert.equal(r.kind, 'run');
    assert.ok(r.kind === 'run');
    assert.deepEqual(r.options.faults, ['strict-pki', 'clock-skew']);
    assert.deepEqual(r.options.parameters, { 'Channel1.Device1.Recipe.Speed': '120' });
    assert.equal(r.options.name, 'p1');
  });

  it("--port default takes the vendor's documented port", () => {
    for (const [kind, port] of [
      ['wincc-unified', 4890],
      ['factorytalk', 4990],
      ['kepware', 49320],
    ] as const) {
      const r = parseCli(['--kind', kind, '--port', 'default']);
      assert.ok(r.kind === 'run');
      assert.equal(r.options.port, port);
    }
  });

  it('parses drift and clock options', () => {
    const r = parseCli([
      '--kind',
      'ignition',
      '--omit',
      '[PLC2]',
      '--clock-skew-ms',
      '60000',
      '--user',
      'opcuauser=password',
    ]);
    assert.ok(r.kind === 'run');
    assert.deepEqual(r.options.omitTags, ['[PLC2]']);
    assert.equal(r.options.clockSkewMs, 60000);
    assert.deepEqual(r.options.users, { opcuauser: 'password' });
    assert.equal(r.options.name, 'ignition-01');
  });

  for (const [argv, message] of [
    [
      ['--kind', 'siemens'],
      /--kind: expected one of kepware, ignition, generic, factorytalk, .*, got "siemens"/,
    ],
    [['--kind', 'aveva', '--port', 'default'], /--port default: no documented default port for --kind aveva/],
    [['--kind', 'kepware', '--fault', 'meltdown'], /--fault: unknown fault "meltdown"/],
    [['--kind', 'kepware', '--port', '70000'], /--port: expected a whole number 0-65535, got "70000"/],
    [['--kind', 'kepware', '--param', 'Speed'], /--param: expected key=value, got "Speed"/],
    [['--kind', 'kepware', '--param', 'Nope.Tag=1'], /--param: unknown parameter tag: Nope\.Tag/],
    [['--kind', 'kepware', '--colour', 'red'], /Unknown option '--colour'/],
  ] as const) {
    it(`rejects ${argv.join(' ')}`, () => assert.throws(() => parseCli([...argv]), message));
  }
});

describe('parseCommand', () => {
  it('parses fault and parameter commands', () => {
    assert.deepEqual(parseCommand('fault add port-closed silent'), {
      kind: 'fault',
      op: 'add',
      faults: ['port-closed', 'silent'],
    });
    assert.deepEqual(parseCommand(' fault clear '), { kind: 'fault-clear' });
    assert.deepEqual(parseCommand('set Channel1.Device1.Config.Mode Semi Auto'), {
      kind: 'set',
      path: 'Channel1.Device1.Config.Mode',
      value: 'Semi Auto',
    });
    assert.deepEqual(parseCommand(''), { kind: 'empty' });
  });

  it('names the bad word', () => {
    assert.throws(() => parseCommand('fault add nope'), /fault add: unknown fault "nope"/);
    assert.throws(() => parseCommand('explode'), /unknown command "explode"/);
  });
});

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.on('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', () => resolve(true));
  });
}

describe('cellsim process', () => {
  it('prints its URL first, obeys stdin commands, stops on SIGTERM', async () => {
    const main = fileURLToPath(new URL('./main.ts', import.meta.url));
    const child = spawn(process.execPath, [main, '--kind', 'kepware', '--name', 'cli-01'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const next = async (): Promise<string> => String((await lines.next()).value);
    const command = async (line: string): Promise<string> => {
      child.stdin.write(`${line}\n`);
      return next();
    };
    try {
      const first = await next();
      const url = /^cellsim: cli-01 listening on (opc\.tcp:\/\/127\.0\.0\.1:(\d+))$/.exec(first);
      assert.ok(url?.[1] && url[2], first);
      const port = Number(url[2]);
      assert.equal(await command('fault add port-closed'), 'cellsim: faults = port-closed');
      assert.ok(await refused(port));
      assert.equal(await command('fault clear'), 'cellsim: faults = (none)');
      assert.equal(
        await command('set Channel1.Device1.Recipe.Speed 120'),
        'cellsim: Channel1.Device1.Recipe.Speed = 120',
      );
      assert.match(
        await command('set Channel1.Device1.Recipe.Speed fast'),
        /^cellsim: error: parameter .* expected/,
      );
      await withSession(url[1], async (session) => {
        assert.equal(await readValue(session, 'ns=2;s=Channel1.Device1.Recipe.Speed'), 120);
      });
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
  });

  it('exits 2 naming the flag on bad input', async () => {
    const main = fileURLToPath(new URL('./main.ts', import.meta.url));
    const child = spawn(process.execPath, [main, '--kind', 'kepware', '--fault', 'meltdown'], {
      stdio: 'pipe',
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    const [code] = await once(child, 'exit');
    assert.equal(code, 2);
    assert.match(stderr, /--fault: unknown fault "meltdown"/);
  });
});
