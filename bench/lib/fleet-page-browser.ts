// Chromium side of the fleet page bench (issue 16): each measurement in a fresh browser context
// (own cookies, cold HTTP cache), signed in through the hub's login API, with INIT_SCRIPT
// (fleet-page-inpage.ts) in every document.
import type { Hub } from '@cellfleet/hub';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { INIT_SCRIPT } from './fleet-page-inpage.ts';
import { probeOf, type SeedCell } from './fleet-page-seed.ts';

/**
 * The page's global as the predicates below read it (functions, not strings: the hub's CSP
 * forbids eval, and playwright evaluates a string predicate with it). Each predicate runs in the
 * page, so it repeats the cast rather than call a helper of this module.
 */
type InPage = { __fp?: { rendered: unknown; pending: { painted: number | null } | null } };

export interface Viewer {
  readonly url: string;
  readonly name: string;
  readonly password: string;
}

/** A fresh context (own cookies, cold cache) signed in through the login API, INIT_SCRIPT in every document. */
export async function signedIn(browser: Browser, v: Viewer): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const res = await context.request.post(`${v.url}/api/auth/login`, {
    data: { name: v.name, password: v.password },
  });
  if (!res.ok()) throw new Error(`sign-in: ${res.status()} ${await res.text()}`);
  await context.addInitScript({ content: INIT_SCRIPT });
  return context;
}

export interface FetchParse {
  readonly ms: number;
  readonly fetchMs: number;
  readonly parseMs: number;
  readonly cells: number;
  readonly bytes: number;
}

/** The first-render baseline: GET /api/cells and JSON.parse in a signed-in page of the hub's origin. */
export async function fetchParse(browser: Browser, v: Viewer): Promise<FetchParse> {
  const context = await signedIn(browser, v);
  try {
    const page = await context.newPage();
    await page.goto(`${v.url}/api/auth/me`);
    return (await page.evaluate('window.__fp.fetchParse()')) as FetchParse;
  } finally {
    await context.close();
  }
}

export interface FirstRender {
  /** ms from navigation start to the first frame holding the plant's tiles and the table's rows. */
  readonly frame: number;
  /** ... to just after that frame was drawn. */
  readonly painted: number;
  /** When the page asked for /api/cells and had its answer (ms since navigation start). */
  readonly cellsRequest: { readonly start: number; readonly end: number };
  /** The page's JS heap after a garbage collection, MB. */
  readonly heapMB: number;
  readonly page: Page;
  readonly context: BrowserContext;
}

/** Opens the fleet page in a fresh context; the page stays open for live updates (close `context`). */
export async function firstRender(browser: Browser, v: Viewer, n: number): Promise<FirstRender> {
  const context = await signedIn(browser, v);
  const page = await context.newPage();
  await page.goto(`${v.url}/#/`, { waitUntil: 'commit' });
  await page.waitForFunction(() => (globalThis as unknown as InPage).__fp?.rendered, undefined, {
    timeout: 180_000,
    polling: 100,
  });
  const r = (await page.evaluate(`(() => {
    const cells = performance.getEntriesByType('resource').find((e) => new URL(e.name).pathname === '/api/cells');
    const row = document.querySelector('[data-cell]').getBoundingClientRect();
    return {
      ...window.__fp.rendered,
      cellsRequest: cells ? { start: cells.startTime, end: cells.responseEnd } : { start: NaN, end: NaN },
      tiles: document.querySelectorAll('[data-tile]').length,
      total: document.querySelector('[data-testid="fleet-total"]').textContent,
      rowHeight: row.height,
    };
  })()`)) as Omit<FirstRender, 'heapMB' | 'page' | 'context'> & {
    tiles: number;
    total: string;
    rowHeight: number;
  };
  if (r.tiles !== n || r.total.trim() !== `${n} cells` || !(r.rowHeight > 0))
    throw new Error(
      `fleet page incomplete: ${r.tiles} tiles, "${r.total}", first row ${r.rowHeight} px high`,
    );
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return {
    frame: r.frame,
    painted: r.painted,
    cellsRequest: r.cellsRequest,
    heapMB: usedSize / 2 ** 20,
    page,
    context,
  };
}

export interface LiveUpdate {
  /** Epoch ms: the message handed to ingest, the hub's live event for it (stored and acknowledged). */
  readonly accepted: number;
  readonly stored: number;
  /** Epoch ms in the page: the SSE event naming the cell, the DOM showing it, the next frame drawn. */
  readonly sse: number;
  readonly dom: number;
  readonly painted: number;
  /** The page's request to /api/cells that carried the change (epoch ms), if found. */
  readonly fetch: { readonly start: number; readonly end: number; readonly bytes: number } | null;
}

/** Waits until the page's own event stream is connected (the shell's "live" indicator). */
export async function whenLive(page: Page): Promise<void> {
  await page.locator('.live.on').waitFor({ timeout: 30_000 });
  await page.evaluate('window.__fp.listen()');
}

/** One probe changing `cell` to `want`, ingested as its agent's message; times until the page shows it. */
export async function liveUpdate(
  hub: Hub,
  page: Page,
  change: { readonly cell: SeedCell; readonly want: 'ok' | 'fault'; readonly seq: number },
): Promise<LiveUpdate> {
  const { cell, want, seq } = change;
  const already = await page.evaluate(`window.__fp.arm(${JSON.stringify(cell.id)}, ${JSON.stringify(want)})`);
  if (already) throw new Error(`${cell.id} already shows ${want}`);
  let stored = Number.NaN;
  const off = hub.live.onCells((e) => {
    if (Number.isNaN(stored) && e.cells.includes(cell.id)) stored = Date.now();
  });
  try {
    const m = probeOf(cell, want, seq, seq);
    const accepted = Date.now();
    hub.ingest.accept(m.topic, m.payload);
    await page.waitForFunction(() => (globalThis as unknown as InPage).__fp?.pending?.painted, undefined, {
      timeout: 60_000,
      polling: 50,
    });
    const p = (await page.evaluate('window.__fp.pending')) as Omit<LiveUpdate, 'accepted' | 'stored'>;
    return { accepted, stored, sse: p.sse, dom: p.dom, painted: p.painted, fetch: p.fetch };
  } finally {
    off();
  }
}
