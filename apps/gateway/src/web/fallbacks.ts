import type { IncomingMessage, ServerResponse } from 'node:http';

export type Fallback = (req: IncomingMessage, res: ServerResponse, path: string) => boolean;

/** Non-API handlers tried in order; the first that answers wins. */
export const firstOf =
  (...handlers: readonly Fallback[]): Fallback =>
  (req, res, path) =>
    handlers.some((h) => h(req, res, path));
