import { Code } from '@connectrpc/connect';
import type { IncomingMessage } from 'node:http';
import { RestInputError } from '../rest-json.js';
import { HttpError } from './http-error.js';

export interface BodyLimits {
  /** Bytes; above it 413. */
  readonly maxBytes: number;
  /** Nesting of objects and arrays; above it 400 (JSON.parse recursion is not the place to find out). */
  readonly maxDepth: number;
}

/**
 * The request's JSON body. 413 when it is larger than maxBytes (by Content-Length at once, else while
 * reading), 415 for a non-JSON content type, 400 for malformed or too deeply nested JSON.
 */
export async function readJson(req: IncomingMessage, limits: BodyLimits): Promise<unknown> {
  const type = req.headers['content-type'];
  // text/plain too: navigator.sendBeacon, which shop trackers use on page unload, can send no other type.
  if (type !== undefined && !/^(application\/([a-z0-9.+-]*\+)?json|text\/plain)\s*(;|$)/i.test(type)) {
    throw new HttpError(415, Code.InvalidArgument, 'the body must be JSON (Content-Type: application/json)');
  }
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limits.maxBytes) throw tooLarge(limits.maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limits.maxBytes) throw tooLarge(limits.maxBytes);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw bodyError('required', 'a JSON body is required');
  if (depthOf(text) > limits.maxDepth) {
    throw bodyError('max_depth', `the JSON body is nested deeper than ${limits.maxDepth} levels`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw bodyError('json', `malformed JSON: ${(err as Error).message}`);
  }
}

const tooLarge = (max: number) =>
  new HttpError(413, Code.ResourceExhausted, `the body is larger than ${max} bytes`, { Connection: 'close' });
const bodyError = (rule: string, description: string) =>
  new RestInputError([{ field: '', rule, description }]);

/**
 * Deepest nesting of brackets outside strings. It reads every body before JSON.parse, so it jumps over
 * each string to its closing quote with indexOf (native) rather than testing each of its characters.
 */
export function depthOf(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // The closing quote is the next one not escaped, i.e. not after an odd run of backslashes.
      for (;;) {
        const end = text.indexOf('"', i + 1);
        if (end < 0) return max;
        let slashes = 0;
        while (text.charCodeAt(end - 1 - slashes) === 92) slashes++;
        i = end;
        if (slashes % 2 === 0) break;
      }
    } else if (c === 123 || c === 91) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}
