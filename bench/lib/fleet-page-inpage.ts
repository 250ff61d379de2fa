// What the fleet page bench runs inside the page (as source text: the bench compiles without
// the DOM types). One object, `window.__fp`:
//  - from the first script of every document, a requestAnimationFrame watch for the fleet
//    page's first render: the first frame whose DOM holds a table row ([data-cell]) and a plant
//    tile ([data-tile]) — they appear in the same Svelte flush — is `frame`; `painted` is taken
//    from a message posted in that frame's rAF callback, which runs after the frame is drawn.
//    Both are performance.now(), i.e. ms since navigation start. No DOM observer runs during
//    the load, so the watch adds nothing to the render it times.
//  - listen(): an EventSource of its own on /api/events, the baseline of a live update (when the
//    event reaches the page, before the page does anything with it).
//  - arm(id, state): waits for the cell's tile and table row to show `state` (a MutationObserver
//    on data-state attributes and inserted rows), recording Date.now() at the SSE event naming
//    the cell, at the DOM change, and after the next frame is drawn; and the page's fetch of
//    /api/cells that carried the change (resource timing, converted to the epoch).
//  - fetchParse(): the first-render baseline, GET /api/cells and JSON.parse, timed in the page.
export const INIT_SCRIPT = `
(() => {
  const fp = (window.__fp = { rendered: null, live: null, pending: null });
  performance.setResourceTimingBufferSize(100000);
  const afterPaint = (fn) => requestAnimationFrame(() => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => fn();
    ch.port2.postMessage(0);
  });
  const watch = () => {
    if (document.querySelector('[data-cell]') && document.querySelector('[data-tile]')) {
      const frame = performance.now();
      performance.mark('fleet-frame');
      afterPaint(() => {
        performance.mark('fleet-painted');
        fp.rendered = { frame, painted: performance.now() };
      });
      return;
    }
    requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);

  const epoch = (t) => performance.timeOrigin + t;
  fp.listen = () => new Promise((resolve, reject) => {
    const es = new EventSource('/api/events', { withCredentials: true });
    es.onopen = () => resolve(true);
    es.onerror = () => reject(new Error('bench EventSource failed'));
    es.addEventListener('cells', (ev) => {
      const p = fp.pending;
      const at = Date.now();
      if (p && p.sse === null && JSON.parse(ev.data).cells.includes(p.id)) p.sse = at;
    });
    fp.live = es;
  });
  fp.arm = (id, want) => {
    const p = (fp.pending = { id, want, armedAt: Date.now(), sse: null, dom: null, painted: null, fetch: null });
    const shows = () => {
      const tile = document.querySelector('[data-tile="' + id + '"]');
      const row = document.querySelector('[data-cell="' + id + '"]');
      return tile?.getAttribute('data-state') === want && row?.getAttribute('data-state') === want;
    };
    const mo = new MutationObserver(() => {
      if (p.dom !== null || !shows()) return;
      p.dom = Date.now();
      mo.disconnect();
      afterPaint(() => {
        p.painted = Date.now();
        const f = performance
          .getEntriesByType('resource')
          .filter((e) => new URL(e.name).pathname === '/api/cells' && epoch(e.startTime) >= p.armedAt)
          .pop();
        p.fetch = f ? { start: epoch(f.startTime), end: epoch(f.responseEnd), bytes: f.encodedBodySize } : null;
      });
    });
    mo.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
    return shows();
  };
  fp.fetchParse = async () => {
    const t0 = performance.now();
    const res = await fetch('/api/cells', { credentials: 'same-origin' });
    const text = await res.text();
    const t1 = performance.now();
    const cells = JSON.parse(text);
    const t2 = performance.now();
    return { ms: t2 - t0, fetchMs: t1 - t0, parseMs: t2 - t1, cells: cells.length, bytes: text.length };
  };
})();
`;
