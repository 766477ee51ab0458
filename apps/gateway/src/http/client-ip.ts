import type { IncomingMessage } from 'node:http';

/**
 * The client's IP: the socket's peer, or with `trustedHops` proxies in front, the address the
 * outermost trusted proxy saw (X-Forwarded-For read from the right, since a client can prepend anything).
 */
export function clientIp(req: IncomingMessage, trustedHops: number): string {
  const peer = req.socket.remoteAddress ?? '';
  const header = req.headers['x-forwarded-for'];
  if (trustedHops === 0 || header === undefined) return normalize(peer);
  const forwarded = (Array.isArray(header) ? header.join(',') : header)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const chain = [...forwarded, peer];
  return normalize(chain[Math.max(0, chain.length - 1 - trustedHops)] ?? peer);
}

// IPv4 clients on a dual-stack socket show up as ::ffff:a.b.c.d.
const normalize = (ip: string) => (ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip);
