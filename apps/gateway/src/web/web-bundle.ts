import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { sendJson } from '../http/http-error.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Vite names every built asset `name-<hash>.ext` under assets/: its content never changes under a name. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html (and the few unhashed files) are revalidated on every load, so a new build shows at once. */
const REVALIDATE = 'no-cache';

/**
 * The dashboard's built bundle (apps/web/dist) at `/`: GET or HEAD of `/`, `/index.html` and files that
 * exist in the bundle, nothing else (so an unknown API path stays a JSON 404). When the bundle has not
 * been built, `/` answers 404 saying how to build it.
 */
export function webBundleHandler(
  distDir: string,
): (req: IncomingMessage, res: ServerResponse, path: string) => boolean {
  const root = resolve(distDir);
  return (req, res, path) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const rel = path === '/' ? 'index.html' : safeDecode(path.slice(1));
    if (rel === undefined || rel.includes('\0')) return false;
    const file = resolve(join(root, rel));
    if (!file.startsWith(root + sep)) return false;
    const size = fileSize(file);
    if (size === undefined) {
      if (rel !== 'index.html') return false;
      req.resume();
      sendJson(res, 404, {
        code: 'not_found',
        message:
          `the web dashboard is not built (no ${file}); build it with ` +
          '`npx nx run @broxiva/web-app:build` (or `npm run build -w @broxiva/web-app`)',
      });
      return true;
    }
    req.resume();
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': size,
      'Cache-Control': rel.startsWith('assets/') ? IMMUTABLE : REVALIDATE,
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
    return true;
  };
}

function fileSize(file: string): number | undefined {
  try {
    const s = statSync(file);
    return s.isFile() ? s.size : undefined;
  } catch {
    return undefined;
  }
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}
