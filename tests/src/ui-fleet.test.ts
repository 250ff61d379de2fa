// Browser tests of the fleet and cell views against the demo fleet (real hub, emulated cells,
// real agents): counts, a faulted cell's diagnosis and fix steps, an agent going offline live,
// and a 2,000-cell fleet staying fast (virtualized list).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CellSummary } from '@cellfleet/protocol';
import type { Browser } from 'playwright-core';
import type { DemoFleet } from '../../demo/fleet.ts';
import { screenshot, serveFleet, signedIn, startSettledFleet, until } from './support/browser.ts';

let fleet: DemoFleet;
let browser: Browser;

before(async () => {
  ({ fleet, browser } = await startSettledFleet());
});

after(async () => {
  await browser?.close();
  await fleet?.stop();
});

const tileCount = async (page: import('playwright-core').Page, state: string) =>
  Number(await page.getByTestId(`count-${state}`).locator('.n').textContent());

test('the fleet loads and shows the right counts per state', async () => {
  const { context, page } = await signedIn(browser, fleet, 'erin');
  await page.getByTestId('fleet-total').filter({ hasText: '12 cells' }).waitFor();
  await until('five faulted cells', async () => (await tileCount(page, 'fault')) === 5);
  assert.equal(await tileCount(page, 'all'), 12);
  assert.equal(await tileCount(page, 'ok'), 6);
  // pack-01: FactoryTalk Linx Gateway's certificate URI pitfall, a finding
  assert.equal(await tileCount(page, 'warning'), 1);
  assert.equal(await tileCount(page, 'offline'), 0);
  assert.equal(await tileCount(page, 'never'), 0);
  // Grouped by sister group, worst first: every group listed, the faulted cells marked.
  const faulted = await page
    .locator('[data-state="fault"][data-cell]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-cell')));
  assert.deepEqual(faulted.sort(), [
    'plant1.line-a.press-02',
    'plant1.line-a.press-05',
    'plant1.line-b.weld-03',
    'plant1.line-c.pack-02',
    'plant1.line-d.fill-02',
  ]);
  const groups = await page.locator('.gname').allTextContents();
  assert.deepEqual(
    groups.map((g) => g.trim()),
    ['fillers', 'packers', 'presses', 'welders'],
  );
  assert.match(
    (await page.locator('[data-cell="plant1.line-a.press-05"]').textContent()) ?? '',
    /port-closed/,
  );
  // Issue 17: press-02's own probe passes, its plant client is refused: the row names the client.
  assert.match(
    (await page.locator('[data-cell="plant1.line-a.press-02"]').textContent()) ?? '',
    /client-cert-untrusted\s*client Ignition Gateway since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d:/,
  );
  // Search narrows the list; the tile filters by state.
  await page.getByRole('searchbox', { name: 'Search' }).fill('weld');
  await page.getByTestId('fleet-shown').filter({ hasText: '3 shown' }).waitFor();
  // What Ignition shows for a closed port finds the cell whose port is closed (issue 13 item 7):
  // the hub matches the status a client shows for each cell's diagnosis.
  await page.getByRole('searchbox', { name: 'Search' }).fill('Bad_ConnectionRejected');
  await page.locator('[data-cell="plant1.line-a.press-05"]').waitFor();
  assert.equal(
    await page.locator('[data-cell="plant1.line-a.press-01"]').count(),
    0,
    'a healthy press is not found',
  );
  await page.getByRole('searchbox', { name: 'Search' }).fill('');
  await page.getByTestId('count-fault').click();
  await page.getByTestId('fleet-shown').filter({ hasText: '5 shown' }).waitFor();
  await page.getByTestId('count-fault').click();
  await screenshot(page, 'ui-fleet-counts');
  await context.close();
});

test('a cell with an injected fault shows its diagnosis, vendor fix steps and verification', async () => {
  const { context, page } = await signedIn(browser, fleet, 'vic');
  await page.locator('[data-cell="plant1.line-a.press-05"]').click();
  const diagnosis = page.getByTestId('diagnosis').first();
  await diagnosis.waitFor();
  assert.equal(await diagnosis.getAttribute('data-code'), 'port-closed');
  const text = (await diagnosis.textContent()) ?? '';
  assert.match(text, /ECONNREFUSED/);
  // The Kepware steps for this Kepware cell come first and are open.
  const kepware = page.getByTestId('fix-kepware').first();
  assert.equal(await kepware.getAttribute('open'), '');
  assert.match((await kepware.textContent()) ?? '', /KEPServerEX 6.*Runtime.*service is running/s);
  assert.match((await page.getByTestId('verification').textContent()) ?? '', /new probe passes the tcp/);
  // The ladder stops at the failed TCP step.
  assert.equal(await page.locator('[data-step="tcp"]').getAttribute('data-ok'), 'false');
  assert.match((await page.locator('main').textContent()) ?? '', /Fault history/);
  await screenshot(page, 'ui-cell-press-05-port-closed');

  await page.goto(`${fleet.hub.httpUrl}/#/cell/plant1.line-b.weld-03`);
  await page.locator('[data-testid="diagnosis"][data-code="device-not-communicating"]').waitFor();
  assert.match((await page.getByTestId('fix-ignition').first().textContent()) ?? '', /Device Connections/);
  await screenshot(page, 'ui-cell-weld-03-device');

  // A FactoryTalk cell: the gateway's steps first, and why the page thinks it is one (issue 13).
  await page.goto(`${fleet.hub.httpUrl}/#/cell/plant1.line-c.pack-02`);
  await page.locator('[data-testid="diagnosis"][data-code="anonymous-disabled"]').waitFor();
  const ftlg = page.getByTestId('fix-rockwell').first();
  assert.equal(await ftlg.getAttribute('open'), '');
  assert.match((await ftlg.textContent()) ?? '', /FactoryTalk Linx Gateway.*matches this cell's server/s);
  assert.match(
    (await page.getByTestId('ranked-for').first().textContent()) ?? '',
    /FactoryTalk Linx Gateway first: .+/,
  );
  await screenshot(page, 'ui-cell-pack-02-factorytalk');
  await context.close();
});

test("issue 17: press-02's refused plant client: the cell page explains it, gives the certificate fix and the capture", async () => {
  const { context, page } = await signedIn(browser, fleet, 'vic');
  await page.goto(`${fleet.hub.httpUrl}/#/cell/plant1.line-a.press-02`);
  await page.locator('[data-testid="diagnosis"][data-code="client-cert-untrusted"]').waitFor();
  assert.equal((await page.getByTestId('probe-client').textContent())?.trim(), 'Ignition Gateway');
  const text = (await page.getByTestId('diagnosis').first().textContent()) ?? '';
  assert.match(text, /refuses Ignition Gateway's certificate \(thumbprint ([0-9A-F]{2}:){19}[0-9A-F]{2}\)/);
  // The capture arrives with the failure; the link downloads pcapng with the session cookie.
  const link = page.getByTestId('captures').locator('a', { hasText: 'kepware as ignition-gateway.pcapng' });
  await until('the capture link', async () => {
    if ((await link.count()) > 0) return true;
    await page.reload();
    return false;
  });
  const href = (await link.getAttribute('href')) ?? '';
  const res = await context.request.get(`${fleet.hub.httpUrl}${href}`);
  assert.equal(res.status(), 200);
  assert.equal((await res.body()).readUInt32LE(0), 0x0a0d0d0a, 'a pcapng file');
  await screenshot(page, 'ui-cell-press-02-plant-client');
  await context.close();
});

test('an agent that stops turns offline on the open page without a reload', async () => {
  const { context, page } = await signedIn(browser, fleet, 'vic');
  const row = page.locator('[data-cell="plant1.line-b.weld-01"]');
  await row.waitFor();
  assert.equal(await row.getAttribute('data-state'), 'ok');
  // Page-side code as strings: the tests' tsconfig has no DOM types.
  await page.evaluate('window.marker = 42');
  // The event names the cell, and the page asks for that cell only, not the whole fleet.
  const asked: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname === '/api/cells') asked.push(url.searchParams.get('ids') ?? '(whole fleet)');
  });
  const stoppedAt = Date.now();
  await fleet.stopAgent('plant1.line-b.weld-01');
  await until(
    'weld-01 to show offline',
    async () => (await row.getAttribute('data-state')) === 'offline',
    10_000,
  );
  const seconds = (Date.now() - stoppedAt) / 1000;
  // Same document (no reload happened), and the count moved with it.
  assert.equal(await page.evaluate('window.marker'), 42);
  assert.equal(await tileCount(page, 'offline'), 1);
  assert.ok(
    asked.some((ids) => ids.split(',').includes('plant1.line-b.weld-01')),
    `asked for ${JSON.stringify(asked)}`,
  );
  assert.match((await row.textContent()) ?? '', /offline/);
  type Styles = { getComputedStyle(e: unknown): { color: string } };
  const color = await row
    .locator('.badge')
    .evaluate((e) => (globalThis as unknown as Styles).getComputedStyle(e).color);
  assert.equal(color, 'rgb(198, 40, 40)', 'the offline badge is red');
  await screenshot(page, 'ui-fleet-offline-live');
  assert.ok(seconds < 10, `offline shown after ${seconds} s`);
  await context.close();
});

test('2,000 cells: the list renders only what is in view and search stays fast', async () => {
  const now = Date.now();
  const many: CellSummary[] = Array.from({ length: 2000 }, (_, i) => {
    const line = `line-${String(Math.floor(i / 100)).padStart(2, '0')}`;
    const name = `cell-${String(i).padStart(4, '0')}`;
    const down = i % 97 === 0;
    return {
      id: `plant${(i % 3) + 1}.${line}.${name}`,
      site: `plant${(i % 3) + 1}`,
      line,
      cell: name,
      sisterGroup: `group-${i % 20}`,
      online: !down,
      since: now - 60_000,
      lastSeen: now - 1000,
      agentVersion: '0.1.0',
      buildInfo: null,
      lastProbe: null,
    };
  });
  const { context, page } = await signedIn(browser, fleet, 'vic');
  // A synthetic store: the hub's /api/cells answer replaced by 2,000 cells.
  await serveFleet(page, many);
  const t0 = Date.now();
  await page.reload();
  await page.getByTestId('fleet-total').filter({ hasText: '2000 cells' }).waitFor();
  const loadMs = Date.now() - t0;
  assert.equal(await tileCount(page, 'offline'), 21);
  const rendered = await page.locator('[data-cell]').count();
  assert.ok(rendered > 10 && rendered < 120, `${rendered} rows in the DOM for 2,000 cells`);
  // Scrolling to the end brings the last rows in.
  await page.locator('[role="rowgroup"]').evaluate((e) => {
    e.scrollTop = e.scrollHeight;
  });
  // 2,000 cells + 20 group headers: the last row of the list is in the DOM now.
  await page.locator('[aria-rowindex="2020"]').waitFor();
  await screenshot(page, 'ui-fleet-2000');
  const t1 = Date.now();
  await page.getByRole('searchbox', { name: 'Search' }).fill('cell-1234');
  await page.getByTestId('fleet-shown').filter({ hasText: '1 shown' }).waitFor();
  const searchMs = Date.now() - t1;
  assert.ok(loadMs < 5000, `first paint of 2,000 cells took ${loadMs} ms`);
  assert.ok(searchMs < 1500, `search over 2,000 cells took ${searchMs} ms`);
  await context.close();
});
