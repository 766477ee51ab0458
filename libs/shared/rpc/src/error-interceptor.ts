import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import type { Logger } from '@broxiva/telemetry';
import { mapError } from './error-mapping.js';

/**
 * Server interceptor that turns whatever a handler throws into a ConnectError with a deliberate code
 * (see mapError), logging the cause of Internal and Unavailable errors with the procedure name.
 * Errors thrown while a response stream is running are mapped the same way.
 */
export function errorInterceptor(logger: Logger): Interceptor {
  return (next) => async (req) => {
    const procedure = `/${req.service.typeName}/${req.method.name}`;
    const toConnectError = (err: unknown): ConnectError => {
      // The call was cancelled, timed out or the server is stopping: the handler failing is the
      // expected consequence, not a fault to log.
      if (req.signal.aborted) return ConnectError.from(req.signal.reason ?? err, Code.Canceled);
      const { error, log } = mapError(err);
      if (log !== undefined) logger[log]({ err, procedure, code: Code[error.code] }, 'rpc failed');
      return error;
    };
    try {
      const res = await next(req);
      if (!res.stream) return res;
      return { ...res, message: mapStreamErrors(res.message, toConnectError) };
    } catch (err) {
      throw toConnectError(err);
    }
  };
}

async function* mapStreamErrors<T>(
  messages: AsyncIterable<T>,
  toConnectError: (err: unknown) => ConnectError,
): AsyncGenerator<T> {
  try {
    yield* messages;
  } catch (err) {
    throw toConnectError(err);
  }
}
