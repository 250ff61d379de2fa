// The shipped alert rules (deploy/prometheus) checked and unit-tested by Debian's promtool
// against synthetic series, and the Grafana dashboard (deploy/grafana) read for what it asks
// Prometheus: every metric it names is one the rules or the hub define.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const DIR = new URL('../deploy/prometheus/', import.meta.url).pathname;
const promtool = (args: string[], cwd = DIR) => spawnSync('promtool', args, { cwd, encoding: 'utf8' });

test('promtool check rules: the rule file is valid', () => {
  const r = promtool(['check', 'rules', 'cellfleet.rules.yml']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /SUCCESS: 8 rules found/);
});

test('promtool test rules: each alert fires on its synthetic series, and only then', () => {
  const r = promtool(['test', 'rules', 'cellfleet.rules.test.yml']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('promtool test rules can fail: a wrong expectation is reported', () => {
  // The same tests with one expectation changed must fail, or the passing run proves nothing.
  const dir = mkdtempSync(join(tmpdir(), 'cellfleet-rules-'));
  try {
    copyFileSync(join(DIR, 'cellfleet.rules.yml'), join(dir, 'cellfleet.rules.yml'));
    const tests = readFileSync(join(DIR, 'cellfleet.rules.test.yml'), 'utf8');
    const wrong = tests.replace(/values: ["']0 1x15["']/, "values: '0 0x15'");
    assert.notEqual(wrong, tests);
    writeFileSync(join(dir, 'wrong.test.yml'), wrong);
    const r = promtool(['test', 'rules', 'wrong.test.yml'], dir);
    assert.notEqual(r.status, 0);
    assert.match(r.stdout + r.stderr, /CellfleetCellOffline/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the Grafana dashboard is JSON whose queries name only metrics Cellfleet exports', () => {
  const dashboard = JSON.parse(
    readFileSync(new URL('../deploy/grafana/cellfleet.json', import.meta.url), 'utf8'),
  ) as { title: string; panels: Array<{ title: string; targets?: Array<{ expr: string }> }> };
  assert.equal(dashboard.title, 'Cellfleet');
  const hubSource = readFileSync(new URL('../apps/hub/src/ops/metrics.ts', import.meta.url), 'utf8');
  const exported = new Set([...hubSource.matchAll(/'(cellfleet_[a-z_]+)'/g)].map((m) => m[1]));
  const titles = dashboard.panels.map((p) => p.title);
  for (const want of ['Fleet state', 'Faults by code', 'Probe latency', 'Certificate expiry', 'Ingest'])
    assert.ok(
      titles.some((t) => t.startsWith(want)),
      `a panel "${want}…" (have ${titles.join(', ')})`,
    );
  for (const panel of dashboard.panels)
    for (const t of panel.targets ?? [])
      for (const [name] of t.expr.matchAll(/cellfleet_[a-z_]+/g)) {
        const base = name.replace(/_(bucket|sum|count)$/, '');
        assert.ok(exported.has(base), `${panel.title}: ${name} is not a hub metric`);
      }
});
