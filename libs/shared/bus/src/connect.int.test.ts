import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { BusConnectError, connectBus } from './index.js';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** A port nothing listens on: bind an ephemeral one, then release it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('connectBus', () => {
  it('connects, reaches JetStream, and closes idempotently', async () => {
    const bus = await connectBus({ url: NATS_URL, name: 'bus-connect-test' });
    const info = await bus.jsm.getAccountInfo();
    expect(info.limits).toBeDefined();
    await bus.close();
    await bus.close();
    expect(bus.nc.isClosed()).toBe(true);
  });

  it('fails fast on a closed port, naming the URL and how to start NATS', async () => {
    const url = `nats://127.0.0.1:${await closedPort()}`;
    const started = Date.now();
    const err = await connectBus({ url, name: 'bus-connect-test' }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(err).toBeInstanceOf(BusConnectError);
    expect((err as BusConnectError).url).toBe(url);
    expect((err as Error).message).toContain(`cannot connect to NATS at ${url}`);
    expect((err as Error).message).toContain('nats-server -js');
  });
});
