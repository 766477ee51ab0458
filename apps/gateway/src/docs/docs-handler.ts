import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';

const require = createRequire(import.meta.url);
const swaggerDir = dirname(require.resolve('swagger-ui-dist/package.json'));

const SWAGGER_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>Broxiva Analytics API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>`;
const SWAGGER_INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui' });`;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};
const ASSETS = new Set(['swagger-ui.css', 'swagger-ui-bundle.js']);

/**
 * GET /openapi.json, and Swagger UI at /docs from the swagger-ui-dist package (served from disk, no CDN;
 * the page loads its script from a file so a strict Content-Security-Policy can forbid inline code).
 */
export function docsHandler(
  openapi: unknown,
): (req: IncomingMessage, res: ServerResponse, path: string) => boolean {
  const doc = JSON.stringify(openapi);
  const cache = new Map<string, Buffer>();
  const send = (res: ServerResponse, type: string, body: string | Buffer) => {
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };
  return (req, res, path) => {
    if (req.method !== 'GET') return false;
    if (path === '/openapi.json') return (send(res, 'application/json; charset=utf-8', doc), true);
    if (path === '/docs' || path === '/docs/')
      return (send(res, 'text/html; charset=utf-8', SWAGGER_HTML), true);
    if (path === '/docs/init.js') return (send(res, TYPES['.js'] as string, SWAGGER_INIT), true);
    const asset = path.startsWith('/docs/') ? path.slice(6) : '';
    if (!ASSETS.has(asset)) return false;
    let body = cache.get(asset);
    if (body === undefined) cache.set(asset, (body = readFileSync(join(swaggerDir, asset))));
    send(res, TYPES[asset.slice(asset.lastIndexOf('.'))] as string, body);
    return true;
  };
}
