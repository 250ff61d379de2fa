// Browser test support: Debian's Chromium driven by playwright-core, the demo fleet as the
// system under test, sign-in per user in its own context, and screenshots under test-results/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CellSummary } from '@cellfleet/protocol';
import { launchChromium, tempDir } from '@cellfleet/testkit';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type DemoFleet, startDemoFleet } from '../../../demo/fleet.ts';
import { quietLogger } from './hub.ts';

export const RESULTS_DIR = fileURLToPath(new URL('../../../test-results/', import.meta.url));

/** The suites' Chromium (testkit's, shared with the fleet page bench). */
export const launchBrowser = launchChromium;

/** The demo fleet on free ports; every agent probes every `probeIntervalMs`. */
export function startFleet(probeIntervalMs = 3000): Promise<DemoFleet> {
  return startDemoFleet({
    dataDir: tempDir('ui'),
    httpPort: 0,
    mqttPort: 0,
    logger: quietLogger(),
    probeIntervalMs,
  });
}

export function userOf(fleet: DemoFleet, name: string) {
  const u = fleet.users.find((x) => x.name === name);
  if (!u) throw new Error(`the demo has no user ${name}`);
  return u;
}

/** A fresh context (own cookies) signed in through the login form, like a person would. */
export async function signedIn(
  browser: Browser,
  fleet: DemoFleet,
  name: string,
  viewport = { width: 1440, height: 900 },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(`${fleet.hub.httpUrl}/`);
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password').fill(userOf(fleet, name).password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('user').waitFor();
  return { context, page };
}

/**
 * The page sees `cells` as the fleet: GET /api/cells answers them, and GET /api/cells?ids= (what
 * the page asks after a live event) answers those of them it names, so the demo's own live
 * events cannot mix real cells into the synthetic fleet.
 */
export async function serveFleet(page: Page, cells: readonly CellSummary[]): Promise<void> {
  await page.route(
    (url) => url.pathname === '/api/cells',
    (route) => {
      const ids = new URL(route.request().url()).searchParams.get('ids');
      const named = ids === null ? undefined : new Set(ids.split(','));
      return route.fulfill({ json: named ? cells.filter((c) => named.has(c.id)) : cells });
    },
  );
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Polls `fn` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function until<T>(what: string, fn: () => Promise<T> | T, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** The hub's own view of a cell, to wait for the fleet to settle before a page loads. */
export async function api<T>(fleet: DemoFleet, path: string, token = userOf(fleet, 'ada').token): Promise<T> {
  const res = await fetch(`${fleet.hub.httpUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * The demo fleet and a browser, once every demo cell has reported a probe: pages are then
 * asserted on settled data. Stop both in `after`.
 */
export async function startSettledFleet(): Promise<{ fleet: DemoFleet; browser: Browser }> {
  const [fleet, browser] = await Promise.all([startFleet(3000), launchBrowser()]);
  await until(
    'every demo cell to report a probe',
    async () => (await api<CellSummary[]>(fleet, '/api/cells')).every((c) => c.lastProbe !== null),
    30_000,
  );
  return { fleet, browser };
}
