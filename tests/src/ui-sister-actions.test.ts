// Browser tests of the sister-group view and the action flow against the demo fleet: the
// drifted cell and key highlighted, an "align with sister baseline" proposed by an engineer,
// refused to a viewer (no button, and the API says 403), approved by an approver, dispatched
// in its window, with the audit trail on the page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ActionView } from '@cellfleet/protocol';
import type { Browser } from 'playwright-core';
import type { DemoFleet } from '../../demo/fleet.ts';
import { api, launchBrowser, screenshot, signedIn, startFleet, until, userOf } from './support/browser.ts';

let fleet: DemoFleet;
let browser: Browser;
let actionId = '';
const PRESS_04 = 'plant1.line-a.press-04';
const PRESS_03 = 'plant1.line-a.press-03';

before(async () => {
  [fleet, browser] = await Promise.all([startFleet(3000), launchBrowser()]);
  // The four presses that answer have snapshotted (press-05's port is closed: it never does).
  await until(
    'the presses comparison to cover 4 cells',
    async () => (await api<{ cells: unknown[] }>(fleet, '/api/groups/presses/comparison')).cells.length === 4,
    40_000,
  );
});

after(async () => {
  await browser?.close();
  await fleet?.stop();
});

test('the sister view highlights the drifted cells and keys, in words, with exports and a chart', async () => {
  const { context, page } = await signedIn(browser, fleet, 'erin');
  await page.goto(`${fleet.hub.httpUrl}/#/group/presses`);
  const matrix = page.getByTestId('matrix');
  await matrix.waitFor();
  const speed = matrix.locator('tr[data-key$="Speed#value"]');
  const speed04 = speed.locator(`td[data-cell="${PRESS_04}"]`);
  assert.equal(await speed04.getAttribute('data-mark'), 'outlier');
  assert.match((await speed04.textContent()) ?? '', /120/);
  assert.equal(await speed.locator(`td[data-cell="${PRESS_03}"]`).getAttribute('data-mark'), 'same');
  assert.match((await speed.textContent()) ?? '', /100 on 3 of 4 cells; differs on plant1\.line-a\.press-04/);
  const version = matrix.locator('tr[data-key="server.softwareVersion"]');
  assert.equal(await version.locator(`td[data-cell="${PRESS_03}"]`).getAttribute('data-mark'), 'outlier');
  assert.match((await version.locator(`td[data-cell="${PRESS_03}"]`).textContent()) ?? '', /6\.14\.263/);
  // Only the drifted cells are marked.
  const marked = await matrix
    .locator('td[data-mark="outlier"]')
    .evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-cell')))].sort());
  assert.deepEqual(marked, [PRESS_03, PRESS_04]);
  assert.match((await page.getByTestId('group-summary').textContent()) ?? '', /2 cells with outliers/);
  assert.match(
    (await page.locator('main').textContent()) ?? '',
    /Not compared \(no snapshot yet\): press-05/,
  );
  // The chart shows press-03's version as the minority bar.
  assert.equal(await page.locator('svg rect.minority').count(), 1);
  assert.match((await page.locator('svg rect.minority title').textContent()) ?? '', /^press-03$/);
  // Exports are the hub's own renderings, reachable with the session cookie.
  const csv = await page.request.get(
    `${fleet.hub.httpUrl}${await page.getByRole('link', { name: 'CSV' }).getAttribute('href')}`,
  );
  assert.equal(csv.status(), 200);
  assert.match(await csv.text(), /press-04/);
  const html = await page.getByRole('link', { name: 'Report (HTML)' }).getAttribute('href');
  assert.equal(html, '/api/groups/presses/comparison?format=html');
  await screenshot(page, 'ui-sister-presses');

  // Propose the fix from the outlier: align press-04's speed with the baseline.
  await speed04.getByRole('button', { name: /Align .* press-04/ }).click();
  const form = page.getByRole('form', { name: 'Propose an action' });
  await form.waitFor();
  assert.match(await form.locator('input[name="path"]').inputValue(), /Recipe\/\{KEPServerEX\}Speed$/);
  assert.equal(await form.locator('input[name="value"]').inputValue(), '100');
  await form.getByRole('button', { name: 'Propose' }).click();
  const done = form.getByRole('status');
  await done.waitFor();
  actionId = (await done.getByRole('link').textContent()) ?? '';
  assert.ok(actionId, 'the new action id is shown');
  await screenshot(page, 'ui-sister-proposed');
  await context.close();

  const a = await api<ActionView>(fleet, `/api/actions/${actionId}`);
  assert.equal(a.state, 'proposed');
  assert.equal(a.proposedBy, 'erin');
  assert.equal(a.type, 'write-parameters');
  if (a.type === 'write-parameters') {
    assert.deepEqual(a.params.source, { kind: 'sister-baseline', sisterGroup: 'presses' });
    // The UI sends numbers; the hub's validator may coerce them to strings (fastify's default
    // coerceTypes with a string-first NodeValue union), so compare as numbers.
    assert.equal(Number(a.params.writes[0]?.value), 100);
    assert.equal(Number(a.params.writes[0]?.previous), 120);
  }
});

test('a viewer is not offered approve, and the API refuses it', async () => {
  assert.ok(actionId, 'needs the action proposed above');
  const { context, page } = await signedIn(browser, fleet, 'vic');
  await page.goto(`${fleet.hub.httpUrl}/#/actions/${actionId}`);
  const card = page.locator(`article[data-action="${actionId}"]`);
  await card.waitFor();
  assert.equal(await card.getAttribute('data-state'), 'proposed');
  assert.equal(await card.getByRole('button', { name: 'Approve' }).count(), 0);
  assert.equal(await card.getByRole('button', { name: 'Reject' }).count(), 0);
  assert.match((await card.textContent()) ?? '', /Waiting for an approver/);
  // Nor is a viewer offered proposing: the form is not on the page.
  assert.equal(await page.getByRole('heading', { name: 'Propose an action' }).count(), 0);
  await screenshot(page, 'ui-actions-viewer');
  await context.close();

  const res = await fetch(`${fleet.hub.httpUrl}/api/actions/${actionId}/approve`, {
    method: 'POST',
    headers: { authorization: `Bearer ${userOf(fleet, 'vic').token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(res.status, 403);
  assert.equal((await api<ActionView>(fleet, `/api/actions/${actionId}`)).state, 'proposed');
});

test('an approver approves, the action runs in its window, the result and audit trail show', async () => {
  assert.ok(actionId, 'needs the action proposed above');
  const { context, page } = await signedIn(browser, fleet, 'alex');
  await page.goto(`${fleet.hub.httpUrl}/#/actions/${actionId}`);
  const card = page.locator(`article[data-action="${actionId}"]`);
  await card.getByRole('button', { name: 'Approve' }).click();
  // The scheduler ticks every second; the page polls every 2 s.
  const run = card.locator(`tr[data-run="${PRESS_04}"] [data-testid="run-state"]`);
  // The demo agents run the real executor: the run finishes and the value reaches the press.
  await until('the run to finish', async () => ((await run.textContent()) === 'done' ? true : null), 30_000);
  await until('a succeeded result', async () => /succeeded/.test((await card.textContent()) ?? ''));
  assert.match((await card.textContent()) ?? '', /approved by alex/);
  const trail = (await card.locator('.trail').textContent()) ?? '';
  assert.match(trail, /erin\s+action\.proposed/);
  assert.match(trail, /alex\s+action\.approved/);
  assert.equal(
    Number(fleet.cells.get(PRESS_04)?.readParameter('Channel1.Device1.Recipe.Speed')),
    100,
    'aligned with its sisters',
  );
  await screenshot(page, 'ui-actions-approved');
  await context.close();
});
