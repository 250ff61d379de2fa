// The fleet page in Chromium at 1,000 and 10,000 simulated cells (issue 16): a real hub (embedded
// broker, SQLite) seeded through its ingest path (lib/fleet-page-seed.ts), the built web UI it
// serves, and headless Chromium driven by playwright-core (lib/fleet-page-browser.ts).
//  1. first render: navigation start → the first frame holding the plant's tiles and the
//     table's rows, in a fresh context each run (cold cache, signed in); baseline, interleaved:
//     the least the page must do, GET /api/cells + JSON.parse timed in a page of the same origin;
//  2. live update: a probe that turns one visible cell faulted (then healthy again) is handed to
//     the hub's ingest as its agent's message; from the hub's live event for it (stored and
//     acknowledged) to the page's DOM showing it on the tile and the row; baseline: the same
//     event's arrival at an EventSource of the page's own. Page and hub read the same clock.
// `--sizes 1000` for a quick try; a full run writes its section of BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { launchChromium, removeDir } from '@cellfleet/testkit';
import { startSqliteHub } from './lib/agent-hub.ts';
import {
  type FirstRender,
  fetchParse,
  firstRender,
  type LiveUpdate,
  liveUpdate,
  type Viewer,
  whenLive,
} from './lib/fleet-page-browser.ts';
import { type Hotspot, profileFirstRender } from './lib/fleet-page-profile.ts';
import { plantOf, seedPlant } from './lib/fleet-page-seed.ts';
import { fmt, machine, ratio, writeSection } from './lib/report.ts';

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '1000,10000' }, runs: { type: 'string', default: '5' } },
});
const SIZES = (values.sizes ?? '').split(',').map(Number);
const RUNS = Number(values.runs);
const UPDATES = 3;
const full = values.sizes === '1000,10000' && RUNS >= 3;

const median = (xs: readonly number[]) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? Number.NaN) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};
const range = (xs: readonly number[]) => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`;

/** The web UI as the hub serves it, built from this tree so the bench times the current page. */
function buildWeb(): void {
  const vite = new URL('../node_modules/vite/bin/vite.js', import.meta.url).pathname;
  const web = new URL('../apps/web/', import.meta.url).pathname;
  const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: web,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('fleet-page bench: building apps/web failed');
}

interface Run {
  readonly baseline: { ms: number; fetchMs: number; parseMs: number; bytes: number };
  readonly render: Omit<FirstRender, 'page' | 'context'>;
  readonly updates: readonly LiveUpdate[];
}

interface SizeResult {
  readonly n: number;
  readonly seedS: number;
  readonly runs: readonly Run[];
  /** A CPU profile of one more first render, at the largest size. */
  readonly profile?: { totalMs: number; hotspots: Hotspot[] };
}

async function measureSize(
  n: number,
  browser: Awaited<ReturnType<typeof launchChromium>>,
): Promise<SizeResult> {
  const { hub, dir } = await startSqliteHub('fleet-page');
  try {
    const cells = plantOf(n);
    const t0 = Date.now();
    await seedPlant(hub, cells);
    const seedS = (Date.now() - t0) / 1000;
    const { password } = await hub.services.auth.addUser('bench', 'viewer-1', 'viewer');
    const viewer: Viewer = { url: hub.httpUrl, name: 'viewer-1', password };
    const byId = new Map(cells.map((c) => [c.id, c]));
    let seq = 10;
    const runs: Run[] = [];
    for (let r = 0; r < RUNS; r++) {
      // Interleaved: the baseline first on even runs, after the page on odd ones.
      const base1 = r % 2 === 0 ? await fetchParse(browser, viewer) : undefined;
      const fr = await firstRender(browser, viewer, n);
      const updates: LiveUpdate[] = [];
      try {
        await whenLive(fr.page);
        // A healthy cell in the table's first rows, so both its tile and its row are in the DOM.
        const id = (await fr.page.evaluate(
          `document.querySelector('[data-cell][data-state="ok"]').getAttribute('data-cell')`,
        )) as string;
        const cell = byId.get(id);
        if (!cell) throw new Error(`fleet-page bench: the page shows a cell not seeded: ${id}`);
        for (let u = 0; u < UPDATES; u++) {
          updates.push(
            await liveUpdate(hub, fr.page, { cell, want: u % 2 === 0 ? 'fault' : 'ok', seq: seq++ }),
          );
          // Past the page's 200 ms coalescing of events, so the next update is a fresh one.
          await new Promise((res) => setTimeout(res, 400));
        }
        if (updates.length % 2 === 1) {
          // Leave the cell healthy for the next run's choice.
          updates.push(await liveUpdate(hub, fr.page, { cell, want: 'ok', seq: seq++ }));
        }
      } finally {
        await fr.context.close();
      }
      const baseline = base1 ?? (await fetchParse(browser, viewer));
      if (baseline.cells !== n)
        throw new Error(`fleet-page bench: /api/cells gave ${baseline.cells} of ${n}`);
      const { page: _p, context: _c, ...render } = fr;
      runs.push({ baseline, render, updates });
      process.stdout.write(
        `  ${fmt(n)} cells, run ${r + 1}: fetch+parse ${fmt(baseline.ms)} ms, first render ${fmt(fr.painted)} ms, ` +
          `live DOM ${updates.map((x) => fmt(x.dom - x.stored)).join('/')} ms after stored (SSE ${updates.map((x) => fmt(x.sse - x.stored)).join('/')})\n`,
      );
    }
    const profile = n === Math.max(...SIZES) ? await profileFirstRender(browser, viewer) : undefined;
    return { n, seedS, runs, ...(profile ? { profile } : {}) };
  } finally {
    await hub.stop();
    removeDir(dir);
  }
}

/** Per run, the median of its updates; then the median over runs. */
const liveMedian = (res: SizeResult, f: (u: LiveUpdate) => number) =>
  median(res.runs.map((run) => median(run.updates.map(f))));
const renderMedian = (res: SizeResult, f: (r: Run) => number) => median(res.runs.map(f));

function report(results: readonly SizeResult[]): string {
  const rows1 = results.map((res) => {
    const base = renderMedian(res, (r) => r.baseline.ms);
    const painted = renderMedian(res, (r) => r.render.painted);
    return `| ${fmt(res.n)} | ${fmt(renderMedian(res, (r) => r.baseline.bytes) / 1e6, 1)} MB | ${fmt(base)} ms (fetch ${fmt(renderMedian(res, (r) => r.baseline.fetchMs))} + parse ${fmt(renderMedian(res, (r) => r.baseline.parseMs))}) | ${fmt(renderMedian(res, (r) => r.render.frame))} ms | **${fmt(painted)} ms** (${range(res.runs.map((r) => r.render.painted))}) | **${ratio(painted, base)}** | ${fmt(
      renderMedian(res, (r) => r.render.heapMB),
      1,
    )} MB |`;
  });
  const rows2 = results.map((res) => {
    const boot = renderMedian(res, (r) => r.render.cellsRequest.start);
    const req = renderMedian(res, (r) => r.render.cellsRequest.end - r.render.cellsRequest.start);
    const after = renderMedian(res, (r) => r.render.frame - r.render.cellsRequest.end);
    return `| ${fmt(res.n)} | ${fmt(boot)} ms | ${fmt(req)} ms | ${fmt(after)} ms |`;
  });
  const rows3 = results.map((res) => {
    const sse = liveMedian(res, (u) => u.sse - u.stored);
    const dom = liveMedian(res, (u) => u.dom - u.stored);
    const painted = liveMedian(res, (u) => u.painted - u.stored);
    return `| ${fmt(res.n)} | ${fmt(liveMedian(res, (u) => u.stored - u.accepted))} ms | ${fmt(sse, 1)} ms | ${fmt(dom)} ms | **${fmt(painted)} ms** (${range(res.runs.flatMap((r) => r.updates.map((u) => u.painted - u.stored)))}) | **${ratio(painted, sse)}** |`;
  });
  const rows4 = results.map((res) => {
    const wait = liveMedian(res, (u) => (u.fetch ? u.fetch.start - u.sse : Number.NaN));
    const req = liveMedian(res, (u) => (u.fetch ? u.fetch.end - u.fetch.start : Number.NaN));
    const apply = liveMedian(res, (u) => (u.fetch ? u.dom - u.fetch.end : Number.NaN));
    return `| ${fmt(res.n)} | ${fmt(wait)} ms | ${fmt(req)} ms | ${fmt(apply)} ms | ${fmt(liveMedian(res, (u) => u.painted - u.dom))} ms |`;
  });
  const updates = results[0]?.runs[0]?.updates.length ?? 0;
  return [
    reading(results),
    '',
    `From \`bench/fleet-page.ts\`. ${machine()}; Chromium headless (${'/usr/bin/chromium'}), 1440×900, driven by playwright-core; hub (embedded broker, SQLite) and browser on the same machine. Medians of ${RUNS} runs per size, each run a fresh browser context (cold cache, signed in as a viewer) and a fresh page; the baseline interleaved with the page (before it on even runs, after on odd ones). The fleet: ${results.map((r) => `${fmt(r.n)} cells seeded through the hub's ingest in ${fmt(r.seedS)} s`).join(', ')}; ~93 % healthy, ~4 % faulted over six diagnosis codes, ~1 % warning, ~2 % offline; 3 sites of 40 lines at 1,000 cells, 10 at 10,000.`,
    '',
    '**Time to first render**: navigation start → the first frame whose DOM holds the plant overview (every tile) and the table\'s first rows ("frame": its requestAnimationFrame; "painted": after that frame is drawn). Baseline: what the page minimally must do, `fetch(\'/api/cells\')` + `JSON.parse` timed inside a signed-in page of the same origin. Heap: the page\'s JS heap after a forced GC, once rendered.',
    '',
    '| cells | /api/cells | baseline: fetch + parse | first render (frame) | first render (painted), range | ratio | JS heap |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...rows1,
    '',
    "Where the first render's time goes (medians): the page's boot before it asks for the fleet (HTML, the 210 kB script, the session check), the request for `/api/cells` as the page sees it, and from its answer to the frame (JSON.parse, Svelte building the overview and the table, style and layout).",
    '',
    '| cells | boot → request `/api/cells` | request | answer → frame |',
    '|---:|---:|---:|---:|',
    ...rows2,
    '',
    `**Time to apply a live update**: a probe turning a healthy cell of the table's first rows faulted, then healthy again (${updates} updates per run; per run the median, then the median of runs; the range is over every update). Clock start: the hub's live event for the stored message (after the batch's commit and acks; "ingest → stored" is the hub's 20 ms batching and the write). Baseline: that event's arrival at an EventSource the bench opens in the page. Product: the tile's and the row's \`data-state\` both showing the change (a MutationObserver), then the next frame drawn. Hub and page read the same system clock (Date.now() on one machine).`,
    '',
    '| cells | ingest → stored | baseline: stored → SSE event in page | stored → DOM | stored → painted, range | ratio |',
    '|---:|---:|---:|---:|---:|---:|',
    ...rows3,
    '',
    "Where the live update's time goes (medians): the page coalesces events for 200 ms (apps/web/src/lib/fleet.svelte.ts) and then asks for the cells they named (`GET /api/cells?ids=`); from the SSE event to that request, the request, from its answer to the DOM, and from the DOM to the drawn frame.",
    '',
    '| cells | SSE → request starts | request | answer → DOM | DOM → painted |',
    '|---:|---:|---:|---:|---:|',
    ...rows4,
    ...results.flatMap((res) =>
      res.profile
        ? [
            '',
            `CPU profile of one more first render at ${fmt(res.n)} cells (CDP, self time per function, ${fmt(res.profile.totalMs)} ms sampled from navigation to the frame, idle included): ${res.profile.hotspots.map((h) => `\`${h.name}\` ${fmt(h.ms)} ms (${fmt(h.share * 100)} %)`).join(', ')}.`,
          ]
        : [],
    ),
  ].join('\n');
}

/** The short reading, from the medians of this run. */
function reading(results: readonly SizeResult[]): string {
  const big = results[results.length - 1];
  const small = results[0];
  if (!big) return '';
  const painted = renderMedian(big, (r) => r.render.painted);
  const base = renderMedian(big, (r) => r.baseline.ms);
  const after = renderMedian(big, (r) => r.render.frame - r.render.cellsRequest.end);
  const live = liveMedian(big, (u) => u.painted - u.stored);
  const sse = liveMedian(big, (u) => u.sse - u.stored);
  const apply = liveMedian(big, (u) => (u.fetch ? u.dom - u.fetch.end : Number.NaN));
  const req = liveMedian(big, (u) => (u.fetch ? u.fetch.end - u.fetch.start : Number.NaN));
  return [
    `**Reading.** At ${fmt(big.n)} cells the fleet page shows the whole plant and the table's first rows ${fmt(painted / 1000, 1)} s after navigation starts, ${ratio(painted, base)} what fetching and parsing the fleet alone takes in the page; the rest is the page's boot (before it asks for the fleet) and ${fmt(after)} ms from the fleet's answer to the frame (parsing it, Svelte building ${fmt(big.n)} tiles and the virtualised table, style and layout). Seconds, but not many: usable, not instant.`,
    `A live change reaches the page in ${fmt(sse, 1)} ms, and the page shows it ${fmt(live / 1000, 2)} s after the hub stored it: it waits 200 ms to coalesce a burst, asks the hub for the cells the burst named (\`GET /api/cells?ids=\`, ${fmt(req)} ms for ${fmt(liveMedian(big, (u) => u.fetch?.bytes ?? Number.NaN) / 1000, 1)} kB) and merges them into the fleet it holds, after which Svelte redraws what depends on them (${fmt(apply)} ms). Before it did (2d6c6d0), the page refetched the whole fleet per burst: 0.87 s at 10,000 cells (344 ms for 8 MB, 268 ms rebuilding)${small && small !== big ? `; at ${fmt(small.n)} cells a change now shows in ${fmt(liveMedian(small, (u) => u.painted - u.stored))} ms` : ''}.`,
    'Not measured: a page already warm in the browser cache (each run is a fresh context), a remote hub (all on loopback), and the time an agent takes to notice a fault before it sends the probe.',
  ].join('\n\n');
}

const browser = await launchChromium();
try {
  buildWeb();
  const results: SizeResult[] = [];
  for (const n of SIZES) results.push(await measureSize(n, browser));
  const body = report(results);
  process.stdout.write(`${body}\n`);
  if (full) writeSection('Fleet page in Chromium (issue 16)', body);
} finally {
  await browser.close();
}
