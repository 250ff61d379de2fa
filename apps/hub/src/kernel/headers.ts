// The headers every answer carries (issue 12, finding 5), set by @fastify/helmet — the fastify
// wrapper of helmet, the maintained collection of these headers, rather than a hand-kept list:
//
// - Content-Security-Policy: the built UI is one module script and stylesheets from the hub's
//   own origin, and talks only to its own API (fetch, EventSource), so everything is 'self';
//   no inline script, no eval, no plugin, no framing by other pages, forms post only here.
//   tests/src/ui-security.test.ts loads the fleet and cell pages in Chromium and fails on any
//   CSP violation.
// - X-Content-Type-Options: nosniff; X-Frame-Options: DENY (frame-ancestors for old browsers);
//   Referrer-Policy: no-referrer (a cell id in a URL stays in the plant).
// - Strict-Transport-Security, honoured by browsers only over HTTPS (RFC 6797 §8.1), without
//   includeSubDomains: the hub cannot speak for other hosts of its domain.
// - Cache-Control: no-store on /api answers: fleet data and tokens stay out of shared caches and
//   the browser's disk cache. The UI's own files keep their caching (ui/routes.ts).
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

const SELF = ["'self'"];
const NONE = ["'none'"];

export const CONTENT_SECURITY_POLICY = {
  defaultSrc: SELF,
  baseUri: NONE,
  connectSrc: SELF,
  fontSrc: SELF,
  formAction: SELF,
  frameAncestors: NONE,
  // The UI's favicon is an empty data: URL (apps/web/index.html).
  imgSrc: [...SELF, 'data:'],
  objectSrc: NONE,
  scriptSrc: SELF,
  scriptSrcAttr: NONE,
  styleSrc: SELF,
};

export async function installSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: { maxAge: 180 * 86_400, includeSubDomains: false },
  });
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.url.startsWith('/api/')) void reply.header('cache-control', 'no-store');
    return payload;
  });
}
