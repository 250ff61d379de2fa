// A URL the ladder could never dial is bad usage (exit 2) with the real fault named, before any
// socket opens (issue 14: `opc.tcp://host:99999` was reported as "not a URL" and exited 1).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../cli-testing.ts';
import { probeCommand } from './cli.ts';
import { parseOpcTcpUrl } from './network.ts';

const probe = (argv: string[]) => runCli(probeCommand, argv);

const CASES = [
  { url: 'opc.tcp://host:99999', message: /port 99999 out of range \(expected 1\.\.65535\)/ },
  { url: 'opc.tcp://host:99999/path', message: /port 99999 out of range/ },
  { url: 'opc.tcp://host:0', message: /port 0 out of range/ },
  { url: 'not a url', message: /"not a url" is not a URL/ },
  { url: 'opc.tcp://:4840', message: /is not a URL/ },
  { url: 'http://host:4840', message: /scheme must be opc\.tcp:\/\/, got http:\/\// },
] as const;

for (const c of CASES) {
  test(`probe ${c.url}: exit 2, ${c.message.source}`, async () => {
    const r = await probe([c.url, '--timeout', '1000']);
    assert.equal(r.code, 2, r.out);
    assert.match(r.err, c.message);
    assert.equal(r.out, '', 'no ladder ran');
  });
}

test('parseOpcTcpUrl: edges of the port range and the default port', () => {
  assert.deepEqual(parseOpcTcpUrl('opc.tcp://plc:65535'), { host: 'plc', port: 65535 });
  assert.deepEqual(parseOpcTcpUrl('opc.tcp://plc:1/x'), { host: 'plc', port: 1 });
  assert.deepEqual(parseOpcTcpUrl('opc.tcp://plc'), { host: 'plc', port: 4840 });
  assert.throws(() => parseOpcTcpUrl('opc.tcp://plc:65536'), /port 65536 out of range/);
});
