import type { Server as HttpServer } from 'node:http';
import type { Http2Server, Http2Session } from 'node:http2';
import type { AddressInfo, Server } from 'node:net';

/** Listens and resolves with the bound port (the real one when asked for port 0). */
export function listen(server: Server, port: number, host: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops accepting; resolves when the server has no connection left. */
export function closed(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Resolves true if `promise` settles within `ms`, false otherwise. */
export async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface Connections {
  /** Asks clients to go away without cutting what is running. */
  drain(): void;
  /** Cuts every connection still open, once the grace period is over. */
  cut(): void;
}

/** Tracks the connections of both servers, which node:http and node:http2 do not close by themselves. */
export function trackConnections(http1: HttpServer, http2: Http2Server): Connections {
  const sessions = new Set<Http2Session>();
  let draining = false;
  http2.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
    if (draining) session.close();
  });
  // node keeps a keep-alive HTTP/1.1 socket open after its response even while the server closes:
  // close each one once its response is out (the socket is idle on the next turn).
  http1.on('request', (_req, res) =>
    res.once('finish', () => {
      if (draining) setImmediate(() => http1.closeIdleConnections());
    }),
  );
  return {
    drain() {
      draining = true;
      http1.closeIdleConnections();
      // GOAWAY: running streams go on, the client opens new ones elsewhere.
      for (const session of sessions) if (!session.closed) session.close();
    },
    cut() {
      http1.closeAllConnections();
      for (const session of sessions) session.destroy();
    },
  };
}
