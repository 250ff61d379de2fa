// The web UI (apps/web, built by Vite into apps/web/dist) served by the hub itself on the API's
// port: no second server, no CDN. Unknown non-/api paths get index.html (the SPA routes in the
// URL fragment, but a pasted deep path should still land in the app). Without a build the hub
// still starts and `/` says how to make one (plain HTML: the CSP allows no inline style).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const UI_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Cellfleet</title>
<body>
<h1>Cellfleet hub</h1><p>The API is running, but the web UI has not been built.</p>
<p>Build it with <code>npm run build</code> (from the repository root), then reload.</p>
<p>The API is at <a href="/api/openapi.json">/api/openapi.json</a>.</p></body>`;

export async function uiRoutes(app: FastifyInstance, dist: string = UI_DIST): Promise<void> {
  const built = existsSync(`${dist}index.html`);
  if (built) {
    await app.register(fastifyStatic, {
      root: dist,
      prefix: '/',
      // Hashed asset names never change content; index.html must be re-read on every load.
      setHeaders: (reply, path) => {
        const immutable = path.includes('/assets/');
        void reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  } else {
    app.get('/', { schema: { hide: true } }, (_req, reply) =>
      reply.type('text/html; charset=utf-8').send(NOT_BUILT),
    );
  }
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (req.method !== 'GET' || path.startsWith('/api/') || path === '/api')
      return reply.code(404).send({ code: 'no-route', message: `no route ${req.method} ${path}` });
    if (!built) return reply.code(404).type('text/html; charset=utf-8').send(NOT_BUILT);
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').sendFile('index.html');
  });
}
