// Sister tally benchmarks (issue 16), on SQLite and PostgreSQL:
//  1. group comparison at 1,000 cells × 5,000 keys and 10,000 × 1,000, through the hub API: cold (a fresh hub
//     process's first request) and warm, next to the pure in-memory comparison of the same
//     entries, interleaved; goal: cold ≤ 1.5× warm, both ≤ the pure comparison;
//  2. snapshot-delta ingest throughput with and without keeping the tally (tally-ingest.ts).
// `--only compare|ingest`, `--small` (a quick try at a tenth of the size). Writes its sections
// of BENCHMARKS.md on a full run.
import { deepStrictEqual } from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '@cellfleet/testkit';
import { fmt, machine, writeSection } from './lib/report.ts';
import { sisters } from './lib/snapshot-compare.ts';
import { hubRun, median, populate, pureRun, type Where } from './lib/tally-compare.ts';
import { ingestBench } from './lib/tally-ingest.ts';

const REPS = 5;
const arg = (name: string) =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined;
const only = arg('--only');
const small = process.argv.includes('--small');
const s = (ms: number) => (ms < 1000 ? `${fmt(ms)} ms` : `${(ms / 1000).toFixed(2)} s`);

type Engine = 'SQLite' | 'PostgreSQL';

async function compareRow(engine: Engine, where: Where, cells: number, keys: number): Promise<string> {
  const fleet = sisters({ cells, keys, parsed: true });
  const stored = await populate(where, fleet);
  const pure: number[] = [];
  const cold: number[] = [];
  const warm: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const hubFirst = r % 2 === 0;
    const p1 = hubFirst ? undefined : pureRun(fleet);
    const hub = await hubRun(where, cells);
    const p = p1 ?? pureRun(fleet);
    if (r === 0)
      deepStrictEqual(
        hub.essence,
        JSON.parse(JSON.stringify(p.essence)),
        'the tally comparison differs from the pure one',
      );
    pure.push(p.ms);
    cold.push(hub.cold);
    warm.push(hub.warm);
  }
  const [c, w, p] = [median(cold), median(warm), median(pure)];
  process.stderr.write(
    `tally compare ${engine} ${cells}×${keys}: stored+tallied ${s(stored)}; cold ${cold.map(Math.round)} warm ${warm.map(Math.round)} pure ${pure.map(Math.round)} ms\n`,
  );
  const met = c <= 1.5 * w && c <= p && w <= p ? 'yes' : 'no';
  return `| ${engine} | ${fmt(cells)} | ${fmt(keys)} | ${s(p)} | ${s(w)} (${(w / p).toFixed(3)}×) | ${s(c)} (${(c / p).toFixed(3)}×) | ${(c / w).toFixed(2)}× | ${met} | ${s(stored)} |`;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'cellfleet-bench-tally-'));
  const pg = await startPostgres();
  const scale = small ? 10 : 1;
  try {
    const engines: [Engine, (name: string) => Promise<Where>][] = [
      ['SQLite', async (name) => ({ dbPath: join(dir, `${name}.db`) })],
      ['PostgreSQL', async () => ({ pgUrl: await pg.createDatabase('tally') })],
    ];
    if (only !== 'ingest') {
      const rows: string[] = [];
      for (const [engine, where] of engines)
        for (const [cells, keys] of [
          [1000, 5000],
          [10_000, 1000],
        ] as const)
          rows.push(await compareRow(engine, await where(`c${cells}`), cells / scale, keys));
      const body = [
        `${machine()}; ${REPS} runs each, medians, hub and pure runs alternating which goes first.`,
        '',
        "A fleet enrolled in one sister group and stored as ingest stores it (each cell's version recorded and counted into its group's tally in one transaction; the last column), then compared through the hub's API (`GET /api/groups/bench/comparison`, JSON). Cold: a freshly started hub process (`startHub`, as `cellfleet-hub serve` runs it; new connections, nothing cached, comparison code not yet run) answering its first request, sent as soon as it listens, before its comparison preload (5 s after start). Warm: the same request again in that process. Both include HTTP and the JSON of the answer. Baseline: the pure in-memory `compareSisters` of the same parsed entries, in the same run. 1 % of keys differ on 2 % of cells, one cell in 50 runs another software version, every cell has its own certificate. Goal (issue 16): cold ≤ 1.5× warm, both ≤ the pure comparison.",
        '',
        '| engine | cells | keys | baseline: pure comparison | warm (vs pure) | cold (vs pure) | cold / warm | goal met | store + tally, whole fleet |',
        '|---|---:|---:|---:|---:|---:|---:|---|---:|',
        ...rows,
      ].join('\n');
      process.stdout.write(`${body}\n\n`);
      if (!small) writeSection('Sister comparison from the tally (issue 16)', body);
    }
    if (only !== 'compare') {
      const body = await ingestBench(engines, scale);
      process.stdout.write(`${body}\n`);
      if (!small) writeSection('Tally ingest cost (issue 16)', body);
    }
  } finally {
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
