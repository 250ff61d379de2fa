// Issue 12, finding 5, in a browser: the built UI works under the hub's Content-Security-Policy.
// Chromium signs in and opens the fleet, a faulted cell, its sister group, the actions and the
// audit log of the demo fleet; every document carries the CSP, and the page reports not one
// violation (a `securitypolicyviolation` event or a CSP console error) on any of them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { DemoFleet } from '../../demo/fleet.ts';
import { screenshot, startSettledFleet, until, userOf } from './support/browser.ts';

let fleet: DemoFleet;
let browser: Browser;

before(async () => {
  ({ fleet, browser } = await startSettledFleet());
});

after(async () => {
  await browser?.close();
  await fleet?.stop();
});

// Page-side code as a string: the tests' tsconfig has no DOM types. Runs before any page script.
const LISTEN = `window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) =>
  window.__csp.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber));`;

const violations = (page: Page) => page.evaluate('window.__csp') as Promise<string[]>;

test('the fleet, cell, group, actions and audit pages run under the CSP without one violation', async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript(LISTEN);
  const page = await context.newPage();
  const consoleCsp: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect|frame)/i.test(m.text()))
      consoleCsp.push(m.text());
  });

  const first = await page.goto(`${fleet.hub.httpUrl}/`);
  const csp = first?.headers()['content-security-policy'] ?? '';
  assert.match(csp, /script-src 'self'/, 'the document carries the CSP');
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(first?.headers()['x-content-type-options'], 'nosniff');
  await page.getByLabel('User name').fill('ada');
  await page.getByLabel('Password').fill(userOf(fleet, 'ada').password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('user').waitFor();

  const seen: Record<string, string[]> = {};
  const visit = async (name: string, hash: string, ready: () => Promise<unknown>) => {
    await page.goto(`${fleet.hub.httpUrl}/${hash}`);
    await page.reload(); // a full load of each view, so the init script watches it from the start
    await ready();
    // Live updates and charts have a moment to run before the count is taken.
    await page.waitForTimeout(500);
    seen[name] = await violations(page);
  };
  await visit('fleet', '#/', () => page.getByTestId('fleet-total').filter({ hasText: '12 cells' }).waitFor());
  await visit('cell', '#/cell/plant1.line-a.press-05', () =>
    page.locator('[data-testid="diagnosis"][data-code="port-closed"]').first().waitFor(),
  );
  await screenshot(page, 'ui-security-cell-under-csp');
  await visit('group', '#/group/presses', () => page.getByTestId('group-summary').waitFor());
  await visit('actions', '#/actions', () => page.getByRole('heading', { name: 'Actions' }).waitFor());
  await visit('audit', '#/audit', () => page.getByRole('heading', { name: 'Audit log' }).waitFor());

  assert.deepEqual(seen, { fleet: [], cell: [], group: [], actions: [], audit: [] });
  assert.deepEqual(consoleCsp, [], 'no CSP error in the console');
  // Control: the watch does see a violation when there is one (a script from a data: URL,
  // blocked by script-src 'self' before anything runs or is fetched).
  await page.evaluate(
    "document.head.appendChild(Object.assign(document.createElement('script'), { src: 'data:text/javascript,window.ran=1' }))",
  );
  await until(
    'the control violation to be reported',
    async () => (await violations(page)).length === 1,
    5000,
  );
  assert.equal(await page.evaluate('window.ran'), undefined, 'the blocked script did not run');
  await context.close();
});

test('the session cookie is HttpOnly and SameSite=Strict, and not Secure over plain HTTP', async () => {
  const res = await fetch(`${fleet.hub.httpUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'vic', password: userOf(fleet, 'vic').password }),
  });
  assert.equal(res.status, 200);
  const cookie = res.headers.get('set-cookie') ?? '';
  assert.match(cookie, /HttpOnly; SameSite=Strict/);
  assert.doesNotMatch(cookie, /Secure/, 'a Secure cookie would never come back over http://');
  assert.equal(res.headers.get('cache-control'), 'no-store');
});
