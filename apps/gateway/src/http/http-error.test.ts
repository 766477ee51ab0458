import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { IngestService } from '@broxiva/contracts';
import { createLogger } from '@broxiva/telemetry';
import { describe, expect, it } from 'vitest';
import { createTransports } from '../clients.js';
import { toHttpError } from './http-error.js';

describe('toHttpError', () => {
  const lines: string[] = [];
  const logger = createLogger({
    service: 'gateway-test',
    level: 'INFO',
    destination: { write: (line: string) => void lines.push(line) },
  });

  it('answers 503 for an unreachable service without the internal host and port, which it logs', async () => {
    const closed = 'http://127.0.0.1:1';
    const t = createTransports({ ingest: closed, realtime: closed, metrics: closed, insights: closed });
    const err = await createClient(IngestService, t.ingest)
      .getEvent({ eventId: 'x' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(ConnectError.from(err).rawMessage).toContain('127.0.0.1:1'); // what must not reach the client
    const e = toHttpError(err, logger);
    expect([e.status, e.headers['Retry-After'], e.body.code]).toEqual([503, '1', 'unavailable']);
    expect(JSON.stringify(e.body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
    expect(lines.join('\n')).toContain('127.0.0.1:1');
  });

  it("keeps a service's own Unavailable message (it names no address)", () => {
    const e = toHttpError(
      new ConnectError('NATS is disconnected; events were not accepted', Code.Unavailable),
      logger,
    );
    expect([e.status, e.body.message]).toEqual([503, 'NATS is disconnected; events were not accepted']);
  });
});
