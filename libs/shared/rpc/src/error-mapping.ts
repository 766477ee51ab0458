import { Code, ConnectError, encodeBinaryHeader } from '@connectrpc/connect';
import { NotFoundError, OverloadError, ValidationError } from './errors.js';

/** How an error reaches the client, and whether the server should log its cause. */
export interface MappedError {
  readonly error: ConnectError;
  /** 'error' for bugs (Internal), 'warn' for a failing dependency (Unavailable), undefined for client faults. */
  readonly log: 'error' | 'warn' | undefined;
}

/** Metadata key holding the violations of an InvalidArgument as base64 JSON (`-bin`: gRPC binary metadata). */
export const violationsMetadataKey = 'broxiva-violations-bin';

const connectionCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE']);
// MikroORM's ConnectionException; nats.js v3 ConnectionError, TimeoutError, RequestError, NoResponders;
// DOMException TimeoutError from AbortSignal.timeout().
const connectionNames = new Set([
  'ConnectionException',
  'ConnectionError',
  'ClosedConnectionError',
  'TimeoutError',
  'RequestError',
  'NoResponders',
  'NoRespondersError',
]);

/**
 * Maps an error thrown by a handler to the ConnectError a client sees. The cause chain is walked
 * outermost first, so a wrapper whose cause is ECONNREFUSED is still Unavailable.
 */
export function mapError(err: unknown): MappedError {
  for (const e of causeChain(err)) {
    const mapped = mapOne(e);
    if (mapped !== undefined) return mapped;
  }
  // Driver and library messages name tables, hosts and values: the client gets no detail at all.
  return { error: new ConnectError('internal error', Code.Internal), log: 'error' };
}

function mapOne(e: Error): MappedError | undefined {
  // Already decided by a handler (or a downstream call): keep its code and message.
  if (e instanceof ConnectError) return { error: e, log: undefined };
  // The caller's own mistake: name each field so it can be fixed without reading server logs.
  if (e instanceof ValidationError) {
    const json = new TextEncoder().encode(JSON.stringify(e.violations));
    const metadata = { [violationsMetadataKey]: encodeBinaryHeader(json) };
    return { error: new ConnectError(e.message, Code.InvalidArgument, metadata), log: undefined };
  }
  if (e instanceof NotFoundError)
    return { error: new ConnectError(e.message, Code.NotFound), log: undefined };
  // A unique key said no: the thing exists already; the driver text (SQL, values) stays here.
  if (e.name === 'UniqueConstraintViolationException') {
    return { error: new ConnectError('already exists', Code.AlreadyExists), log: undefined };
  }
  // A dependency is down or slow: retryable by the client, worth a warning here.
  if (isConnectionFailure(e)) {
    return { error: new ConnectError('service unavailable, retry later', Code.Unavailable), log: 'warn' };
  }
  // Load shedding: the client should back off, not treat it as a bug.
  if (e instanceof OverloadError) {
    return { error: new ConnectError(e.message, Code.ResourceExhausted), log: undefined };
  }
  return undefined;
}

function isConnectionFailure(e: Error): boolean {
  const code = (e as { code?: unknown }).code;
  return (
    (typeof code === 'string' && connectionCodes.has(code)) ||
    connectionNames.has(e.name) ||
    e.message.startsWith('no responders')
  );
}

function causeChain(err: unknown): Error[] {
  const chain: Error[] = [];
  // Bounded and cycle-safe: causes are user data.
  for (let e = err; e instanceof Error && !chain.includes(e) && chain.length < 10; e = e.cause) chain.push(e);
  return chain;
}
