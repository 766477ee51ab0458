import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';

const require = createRequire(import.meta.url);
const swaggerDir = dirname(require.resolve('swagger-ui-dist/package.json'));
const redocScript = join(dirname(require.resolve('redoc/package.json')), 'bundles', 'redoc.standalone.js');

const SWAGGER_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>Broxiva Analytics API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>`;
const SWAGGER_INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui' });`;

const REDOC_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>Broxiva Analytics API</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><div id="redoc"></div>
<script src="/redoc/redoc.standalone.js"></script>
<script src="/redoc/init.js"></script></body></html>`;
// ReDoc's theme names Roboto and Montserrat (web fonts it expects the page to fetch): system fonts
// instead, so the page needs nothing from outside this origin.
const SYSTEM_FONTS = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";
const REDOC_INIT = `Redoc.init('/openapi.json', ${JSON.stringify({
  theme: {
    typography: {
      fontFamily: SYSTEM_FONTS,
      headings: { fontFamily: SYSTEM_FONTS },
      code: { fontFamily: "ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace" },
    },
  },
})}, document.getElementById('redoc'));`;
/**
 * ReDoc's sidebar always shows a logo image from cdn.redoc.ly (there is no option to turn it off): the
 * page's policy keeps every request on this origin, so the browser never makes that one (the image hides
 * itself when it fails). Styles are inline (styled-components) and search runs in a blob: worker, hence
 * those two allowances; no inline script and no eval (checked in Chromium: renders, searches, samples).
 */
const REDOC_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};
const ASSETS = new Set(['swagger-ui.css', 'swagger-ui-bundle.js']);

/**
 * GET /openapi.json; Swagger UI at /docs from the swagger-ui-dist package and ReDoc at /redoc from the
 * redoc package (served from disk, no CDN; each page loads its script from a file so a strict
 * Content-Security-Policy can forbid inline code).
 */
export function docsHandler(
  openapi: unknown,
): (req: IncomingMessage, res: ServerResponse, path: string) => boolean {
  const doc = JSON.stringify(openapi);
  const cache = new Map<string, Buffer>();
  const send = (
    res: ServerResponse,
    type: string,
    body: string | Buffer,
    headers: Readonly<Record<string, string>> = {},
  ) => {
    res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };
  let redoc: Buffer | undefined;
  return (req, res, path) => {
    if (req.method !== 'GET') return false;
    if (path === '/openapi.json') return (send(res, 'application/json; charset=utf-8', doc), true);
    if (path === '/docs' || path === '/docs/')
      return (send(res, 'text/html; charset=utf-8', SWAGGER_HTML), true);
    if (path === '/docs/init.js') return (send(res, TYPES['.js'] as string, SWAGGER_INIT), true);
    if (path === '/redoc' || path === '/redoc/') {
      send(res, 'text/html; charset=utf-8', REDOC_HTML, { 'Content-Security-Policy': REDOC_CSP });
      return true;
    }
    if (path === '/redoc/init.js') return (send(res, TYPES['.js'] as string, REDOC_INIT), true);
    if (path === '/redoc/redoc.standalone.js') {
      redoc ??= readFileSync(redocScript);
      send(res, TYPES['.js'] as string, redoc);
      return true;
    }
    const asset = path.startsWith('/docs/') ? path.slice(6) : '';
    if (!ASSETS.has(asset)) return false;
    let body = cache.get(asset);
    if (body === undefined) cache.set(asset, (body = readFileSync(join(swaggerDir, asset))));
    send(res, TYPES[asset.slice(asset.lastIndexOf('.'))] as string, body);
    return true;
  };
}
