// Browser tests of the fleet overview (issue 16) against the demo fleet (real hub, emulated
// cells, real agents, Chromium): the plant's tiles and counts show the faulted cells, a count
// filters the table and the address, a pasted address opens the same view, back walks it, the
// trend holds stored history, the fleet and cell pages fit a 390 px phone, and the certificate
// inventory and change feed open from the navigation with what the API has.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CellSummary, CertificateInventory, ChangesView, FleetTrendView } from '@cellfleet/protocol';
import type { Browser } from 'playwright-core';
import type { DemoFleet } from '../../demo/fleet.ts';
import { api, screenshot, serveFleet, signedIn, startSettledFleet, until } from './support/browser.ts';

let fleet: DemoFleet;
let browser: Browser;

before(async () => {
  ({ fleet, browser } = await startSettledFleet());
});

after(async () => {
  await browser?.close();
  await fleet?.stop();
});

test('the overview: tiles and counts show the faulted cells; a count filters the table and the address', async () => {
  const { context, page } = await signedIn(browser, fleet, 'vic');
  const tile = page.locator('[data-tile="plant1.line-a.press-05"]');
  await until('press-05 tiled as faulted', async () => (await tile.getAttribute('data-state')) === 'fault');
  assert.match((await tile.getAttribute('aria-label')) ?? '', /press-05: faulted, port-closed since \d{4}-/);
  assert.equal(await page.locator('[data-tile]').count(), 12);
  assert.equal(await page.locator('[data-tile][data-state="fault"]').count(), 5);
  // Two cells have a closed port: the count says so, and clicking it filters the table.
  const count = page.getByTestId('code-count-port-closed');
  assert.match((await count.textContent()) ?? '', /port-closed\s*2/);
  await count.click();
  await page.getByTestId('fleet-shown').filter({ hasText: '2 shown' }).waitFor();
  assert.match(page.url(), /#\/\?code=port-closed$/);
  assert.match((await page.getByTestId('active-filter').textContent()) ?? '', /diagnosis\s*port-closed/);
  // The row says since when the cell is faulted, not how long it has been online.
  assert.match(
    (await page.locator('[data-cell="plant1.line-a.press-05"] [data-testid="since"]').textContent()) ?? '',
    /faulted since \d\d:\d\d/,
  );
  await screenshot(page, 'ui-overview-filtered');
  // Back: the filter goes with the address; clear: the table is whole again.
  await page.goBack();
  await page.getByTestId('fleet-shown').filter({ hasText: '12 shown' }).waitFor();
  await count.click();
  await page.getByRole('button', { name: 'Clear the diagnosis and platform filter' }).click();
  await page.getByTestId('fleet-shown').filter({ hasText: '12 shown' }).waitFor();
  assert.match(page.url(), /#\/$/);
  await context.close();
});

test('a pasted address opens the same view; changing the filter changes the address', async () => {
  const { context, page } = await signedIn(browser, fleet, 'vic');
  await page.goto(`${fleet.hub.httpUrl}/#/?q=press&state=fault&by=line`);
  await page.getByTestId('fleet-shown').filter({ hasText: '2 shown in 1 line' }).waitFor();
  assert.equal(await page.getByRole('searchbox', { name: 'Search' }).inputValue(), 'press');
  assert.equal(await page.getByTestId('count-fault').getAttribute('aria-pressed'), 'true');
  assert.equal(await page.getByLabel('Group by').inputValue(), 'line');
  await page.getByLabel('Group by').selectOption('site');
  await until('the address to follow the grouping', () =>
    page.url().endsWith('#/?q=press&state=fault&by=site'),
  );
  await page.getByTestId('count-fault').click();
  await until('the address to drop the state', () => page.url().endsWith('#/?q=press&by=site'));
  await page.getByTestId('fleet-shown').filter({ hasText: '5 shown' }).waitFor();
  await page.goBack();
  await page.getByTestId('fleet-shown').filter({ hasText: '2 shown' }).waitFor();
  await context.close();
});

test('the trend route holds stored history of the faulted cells, and the chart draws it', async () => {
  const trend = await until('a sample with the five faulted cells', async () => {
    const t = await api<FleetTrendView>(fleet, '/api/fleet/trend?range=24h');
    return t.points.some((p) => p.faulted === 5 && p.total === 12) ? t : undefined;
  });
  assert.ok(trend, 'no trend sample with the five faulted cells');
  assert.ok(trend.since !== null && trend.since >= trend.from);
  const week = await api<FleetTrendView>(fleet, '/api/fleet/trend?range=7d');
  assert.equal(week.range, '7d');
  assert.ok(week.points.length > 0);
  const res = await fetch(`${fleet.hub.httpUrl}/api/fleet/trend?range=1y`, {
    headers: { authorization: `Bearer ${fleet.users[0]?.token}` },
  });
  assert.equal(res.status, 400, 'an unknown range is refused, not guessed');
  const { context, page } = await signedIn(browser, fleet, 'vic');
  const chart = page.getByTestId('trend-chart');
  await until('the chart to have points', async () => Number(await chart.getAttribute('data-points')) > 0);
  assert.equal(await chart.locator('canvas').count(), 1);
  assert.match((await page.getByTestId('trend-since').textContent()) ?? '', /history since \d{4}-/);
  await context.close();
});

test('the phone layout: no horizontal overflow at 390 px on the fleet and cell pages', async () => {
  const { context, page } = await signedIn(browser, fleet, 'vic', { width: 390, height: 844 });
  const width = () =>
    page.evaluate(
      () =>
        (globalThis as unknown as { document: { scrollingElement: { scrollWidth: number } | null } }).document
          .scrollingElement?.scrollWidth ?? 0,
    );
  await page.locator('[data-tile]').first().waitFor();
  await page.getByTestId('trend-chart').locator('canvas').waitFor();
  assert.ok((await width()) <= 390, `fleet page is ${await width()} px wide`);
  await screenshot(page, 'ui-overview-phone');
  await page.goto(`${fleet.hub.httpUrl}/#/cell/plant1.line-a.press-05`);
  await page.getByTestId('diagnosis').first().waitFor();
  await page.getByTestId('cell-history').locator('canvas').waitFor();
  assert.ok((await width()) <= 390, `cell page is ${await width()} px wide`);
  await screenshot(page, 'ui-cell-phone');
  await context.close();
});

test('1,000 cells: the whole plant fits one laptop screen, one tile per cell', async () => {
  const now = Date.now();
  // 3 sites × 40 lines, 8 or 9 cells a line; every 50th cell faulted, every 97th offline.
  const many: CellSummary[] = Array.from({ length: 1000 }, (_, i) => {
    const site = `site-${(i % 3) + 1}`;
    const line = `line-${Math.floor(i / 3) % 40}`;
    const cell = `cell-${i}`;
    const faulted = i % 50 === 0;
    return {
      id: `${site}.${line}.${cell}`,
      site,
      line,
      cell,
      sisterGroup: `group-${i % 12}`,
      online: i % 97 !== 0,
      since: now - 3_600_000,
      lastSeen: now - 1000,
      agentVersion: '0.1.0',
      buildInfo: null,
      lastProbe: {
        endpoint: 'kepware',
        url: 'opc.tcp://10.0.0.1:49320',
        ok: !faulted,
        at: now - 5000,
        durationMs: 12,
        diagnosis: faulted
          ? { code: 'port-closed', severity: 'error', summary: 'closed' }
          : { code: 'ok', severity: 'ok', summary: 'ok' },
        findings: [],
        steps: [],
        ...(faulted ? { failingSince: now - 600_000 } : {}),
      },
    };
  });
  const { context, page } = await signedIn(browser, fleet, 'vic');
  await serveFleet(page, many);
  await page.reload();
  await page.getByTestId('fleet-total').filter({ hasText: '1000 cells' }).waitFor();
  assert.equal(await page.locator('[data-tile]').count(), 1000);
  await screenshot(page, 'ui-overview-1000');
  const map = await page.getByTestId('plant-map').boundingBox();
  assert.ok(map && map.y + map.height <= 900, `the plant map ends at ${map && map.y + map.height} px of 900`);
  // Natural order: line-2 before line-10 in every site.
  const lines = await page
    .locator('[data-testid="plant-map"] .site')
    .first()
    .locator('.lname')
    .allTextContents();
  assert.deepEqual(lines.slice(0, 3), ['line-0', 'line-1', 'line-2']);
  assert.equal(lines[10], 'line-10');
  assert.match((await page.getByTestId('code-count-port-closed').textContent()) ?? '', /port-closed\s*20/);
  await context.close();
});

test('an action rejected from the open list stays in sight under "Decided here", with its state', async () => {
  const erin = fleet.users.find((u) => u.name === 'erin');
  const res = await fetch(`${fleet.hub.httpUrl}/api/actions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${erin?.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'run-maintenance-script',
      params: { name: 'restart' },
      cells: ['plant1.line-a.press-01'],
      reason: 'decided-here check',
    }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const { id } = (await res.json()) as { id: string };
  const { context, page } = await signedIn(browser, fleet, 'alex');
  await page.goto(`${fleet.hub.httpUrl}/#/actions`);
  const card = page.locator(`article[data-action="${id}"]`);
  await card.getByRole('button', { name: 'Reject' }).click();
  const decided = page.getByTestId('decided').locator(`article[data-action="${id}"]`);
  await decided.waitFor();
  assert.match((await decided.textContent()) ?? '', /rejected by alex/);
  await context.close();
});

// After the test above: its rejected action is a change in the feed.
test('the certificate inventory and the change feed open from the navigation and list what the API has', async () => {
  const { context, page } = await signedIn(browser, fleet, 'vic');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Certificates' }).click();
  assert.match(page.url(), /#\/certificates$/);
  const inventory = await api<CertificateInventory>(fleet, '/api/certificates');
  assert.ok(inventory.certificates.length > 0, 'the demo agents report certificates');
  await until(
    `${inventory.certificates.length} certificates listed`,
    async () =>
      (await page.locator('[data-testid="certificates"] tbody tr').count()) === inventory.certificates.length,
  );
  assert.match(
    (await page.getByTestId('forecast').textContent()) ?? '',
    new RegExp(`${inventory.forecast.total}\\s*in the fleet`),
  );
  // The download the page offers, with the page's own session: a header and a line per certificate.
  const csv = await page.request.get(`${fleet.hub.httpUrl}/api/certificates?format=csv`);
  assert.equal(csv.status(), 200);
  assert.equal((await csv.text()).trim().split('\n').length, inventory.certificates.length + 1);

  await nav.getByRole('link', { name: 'Changes' }).click();
  assert.match(page.url(), /#\/changes$/);
  const shown = () => page.locator('[data-testid="changes"] > li');
  const feed = (kind = '') =>
    api<ChangesView>(
      fleet,
      `/api/changes?since=${Date.now() - 86_400_000}&limit=100${kind ? `&kind=${kind}` : ''}`,
    );
  const first = await feed();
  assert.ok(first.items.length > 0, 'the action rejected above is a change of the last 24 h');
  // Changes may land after the page loaded: refresh until the page and the API agree.
  const refresh = async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    return false;
  };
  await until(
    'the feed to list what the API has',
    async () => (await shown().count()) === (await feed()).items.length || refresh(),
  );
  // A filter narrows the feed to one kind, as the API does.
  const kind = first.items.at(-1)!.kind;
  await page.getByTestId('changes-kind').selectOption(kind);
  await until(`only ${kind} changes`, async () => {
    const kinds = await shown().evaluateAll((li) => li.map((x) => x.getAttribute('data-kind')));
    return kinds.length === (await feed(kind)).items.length && kinds.every((k) => k === kind);
  });
  // The filter is in the address: pasted into another tab, it opens the same feed.
  await until('the address to carry the kind', () => page.url().endsWith(`#/changes?kind=${kind}`));
  const pasted = await context.newPage();
  await pasted.goto(`${fleet.hub.httpUrl}/#/changes?range=7d&kind=${kind}`);
  await until(`the pasted feed to show only ${kind} changes`, async () => {
    const kinds = await pasted
      .locator('[data-testid="changes"] > li')
      .evaluateAll((li) => li.map((x) => x.getAttribute('data-kind')));
    return kinds.length > 0 && kinds.every((k) => k === kind);
  });
  assert.equal(await pasted.getByTestId('changes-kind').inputValue(), kind);
  assert.equal(await pasted.getByTestId('changes-range').inputValue(), '7d');
  await context.close();
});
