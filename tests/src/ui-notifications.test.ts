// Browser test of the admin Notifications page and the fleet page's open incidents, against
// the demo fleet (real hub, emulated cells, real agents; four cells are faulted on purpose).
// An admin adds a signed webhook channel and a route, presses "Send test", and sees the
// delivery "sent" while a real HTTP receiver got it; a viewer has no Notifications page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startWebhookReceiver, type WebhookReceiver } from '@cellfleet/testkit';
import type { Browser } from 'playwright-core';
import type { DemoFleet } from '../../demo/fleet.ts';
import { launchBrowser, screenshot, signedIn, startFleet, until } from './support/browser.ts';

let fleet: DemoFleet;
let browser: Browser;
let hook: WebhookReceiver;

before(async () => {
  [fleet, browser, hook] = await Promise.all([startFleet(3000), launchBrowser(), startWebhookReceiver()]);
});

after(async () => {
  await browser?.close();
  await fleet?.stop();
  await hook?.close();
});

test('an admin adds a webhook channel and a route, sends a test, and sees it delivered', async () => {
  const { context, page } = await signedIn(browser, fleet, 'ada');
  await page.getByRole('link', { name: 'Notifications' }).click();
  await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
  const form = page.getByRole('form', { name: 'Add a channel' });
  await form.getByLabel('Name').fill('ops-hook');
  await form.getByLabel('URL').fill(hook.url);
  await form.getByLabel('Signing secret (16+ characters)').fill('a-very-long-signing-secret');
  await form.getByRole('button', { name: 'Add channel' }).click();
  const row = page.getByTestId('channel-row').filter({ hasText: 'ops-hook' });
  await row.waitFor();
  assert.doesNotMatch(
    (await row.textContent()) ?? '',
    /a-very-long-signing-secret|\/hook/,
    'no secret shown',
  );

  const routeForm = page.getByRole('form', { name: 'Add a route' });
  await routeForm.getByLabel('Sister group').fill('presses');
  await routeForm.getByRole('button', { name: 'Add route' }).click();
  await page.getByTestId('route-row').filter({ hasText: 'presses' }).waitFor();

  await row.getByRole('button', { name: 'Send test' }).click();
  await until(
    'the receiver to get the test',
    () => hook.calls.some((c) => c.body.includes('"kind":"test"')),
    20_000,
  );
  await page
    .getByTestId('delivery-row')
    .filter({ hasText: 'test' })
    .filter({ hasText: 'sent' })
    .waitFor({ timeout: 20_000 });
  await screenshot(page, 'notifications');
  await context.close();
});

test('the fleet page lists the open incidents; a viewer has no Notifications page', async () => {
  const { context, page } = await signedIn(browser, fleet, 'vic');
  const incidents = page.getByTestId('open-incidents');
  await until(
    'the faulted demo cells as incidents',
    async () => (await incidents.getByTestId('incident').count()) >= 4,
    30_000,
  );
  assert.match((await incidents.textContent()) ?? '', /plant1\.line-a\.press-05 \([^)]+\):\s*port-closed/);
  assert.equal(await page.getByRole('link', { name: 'Notifications' }).count(), 0);
  await context.close();
});
