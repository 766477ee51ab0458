import { Code, ConnectError, decodeBinaryHeader } from '@connectrpc/connect';
import { codeToHttpStatus } from '@connectrpc/connect/protocol-connect';
import { violationsMetadataKey } from '@broxiva/rpc';
import type { Logger } from '@broxiva/telemetry';
import type { ServerResponse } from 'node:http';
import { RestInputError, type RestViolation } from '../rest-json.js';

/** An answer decided by the gateway itself (413, 415, 401, 403, 429…), with a Connect code for the body. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: Code,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** The JSON error body: Connect's code names (`invalid_argument`, `unavailable`…), plus field violations. */
export interface ErrorBody {
  readonly code: string;
  readonly message: string;
  readonly violations?: readonly RestViolation[];
}

const codeName = (code: Code) => Code[code].replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();

/**
 * Whatever a route threw, as a status, headers and body. Service errors keep their Connect code and map
 * through connect's own codeToHttpStatus; anything unexpected is a 500 whose cause is logged, not sent.
 */
export function toHttpError(
  err: unknown,
  logger: Logger,
): { status: number; headers: Record<string, string>; body: ErrorBody } {
  if (err instanceof RestInputError) {
    return {
      status: 400,
      headers: {},
      body: { code: 'invalid_argument', message: err.message, violations: err.violations },
    };
  }
  if (err instanceof HttpError) {
    return {
      status: err.status,
      headers: { ...err.headers },
      body: { code: codeName(err.code), message: err.message },
    };
  }
  if (err instanceof ConnectError) {
    const status = codeToHttpStatus(err.code);
    const headers: Record<string, string> = {};
    // Overload and rate limits tell the client when to come back.
    if (err.code === Code.ResourceExhausted) headers['Retry-After'] = err.metadata.get('retry-after') ?? '1';
    if (err.code === Code.Unavailable) headers['Retry-After'] = '1';
    const violations = violationsOf(err);
    // The connection itself failed (refused, reset, DNS): its message names an internal host and port.
    const connection = isSystemError(err.cause);
    if (connection || (status >= 500 && err.code !== Code.Unavailable && err.code !== Code.Unimplemented)) {
      logger.warn({ err, code: Code[err.code] }, 'service call failed');
    }
    return {
      status,
      headers,
      body: {
        code: codeName(err.code),
        message: connection ? 'the service behind this route cannot be reached' : err.rawMessage,
        ...(violations === undefined ? {} : { violations }),
      },
    };
  }
  logger.error({ err }, 'gateway route failed');
  return { status: 500, headers: {}, body: { code: 'internal', message: 'internal error' } };
}

/** A Node.js system error (ECONNREFUSED, ECONNRESET, ENOTFOUND…): it carries `syscall` and often `address`. */
function isSystemError(cause: unknown): boolean {
  return cause instanceof Error && typeof (cause as NodeJS.ErrnoException).syscall === 'string';
}

/** The field violations a service sent with InvalidArgument (base64 JSON in binary metadata). */
export function violationsOf(err: ConnectError): RestViolation[] | undefined {
  const raw = err.metadata.get(violationsMetadataKey);
  if (raw === null) return undefined;
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(decodeBinaryHeader(raw)));
    return Array.isArray(parsed) ? (parsed as RestViolation[]) : undefined;
  } catch {
    return undefined;
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (status === 204) {
    res.writeHead(204, headers).end();
    return;
  }
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
  });
  res.end(payload);
}
