import { ConnectError } from '@connectrpc/connect';
import { createLogger, type Logger } from '@broxiva/telemetry';
import { expect } from 'vitest';

/** A logger writing parsed JSON lines into an array, for asserting what the server logged. */
export function memoryLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    service: 'rpc-test',
    level: 'DEBUG',
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { logger, lines };
}

/** The ConnectError a call failed with; fails the test if the call succeeded. */
export async function rejection(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (err) {
    expect(err).toBeInstanceOf(ConnectError);
    return err as ConnectError;
  }
  return expect.fail('the call succeeded');
}
