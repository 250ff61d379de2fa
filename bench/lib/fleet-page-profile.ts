// Where the fleet page's first render spends its time: a CDP CPU profile of the page from
// navigation to the first frame holding the fleet, self time summed per function (the V8
// sampling profiler, 1 ms interval). Run once, apart from the timed runs it would slow.
import type { Browser } from 'playwright-core';
import { signedIn, type Viewer } from './fleet-page-browser.ts';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

export interface Hotspot {
  readonly name: string;
  readonly ms: number;
  readonly share: number;
}

/** The `top` functions by self time, with their share of the profiled time. */
export async function profileFirstRender(
  browser: Browser,
  v: Viewer,
  top = 10,
): Promise<{ totalMs: number; hotspots: Hotspot[] }> {
  const context = await signedIn(browser, v);
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
    await cdp.send('Profiler.start');
    await page.goto(`${v.url}/#/`, { waitUntil: 'commit' });
    await page.waitForFunction(
      () => (globalThis as unknown as { __fp?: { rendered: unknown } }).__fp?.rendered,
      undefined,
      {
        timeout: 180_000,
        polling: 100,
      },
    );
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile };
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const self = new Map<string, number>();
    let totalUs = 0;
    for (const [i, id] of (profile.samples ?? []).entries()) {
      const us = profile.timeDeltas?.[i] ?? 0;
      const f = byId.get(id)?.callFrame;
      if (!f) continue;
      const file = f.url.split('/').pop() ?? '';
      const name = `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}` : ''}`;
      self.set(name, (self.get(name) ?? 0) + us);
      totalUs += us;
    }
    const hotspots = [...self]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: totalUs > 0 ? us / totalUs : 0 }));
    return { totalMs: totalUs / 1000, hotspots };
  } finally {
    await context.close();
  }
}
