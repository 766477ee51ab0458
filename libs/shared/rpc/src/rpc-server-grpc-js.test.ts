import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RpcServer } from './index.js';
import { startTestServer } from './test-server.js';

type HealthClient = grpc.Client & {
  Check(
    req: { service: string },
    cb: (err: grpc.ServiceError | null, res?: { status: string }) => void,
  ): void;
  Watch(req: { service: string }): grpc.ClientReadableStream<{ status: string }>;
};

let server: RpcServer;
let client: HealthClient;

beforeAll(async () => {
  ({ server } = await startTestServer());
  const proto = fileURLToPath(new URL('../../../../proto/grpc/health/v1/health.proto', import.meta.url));
  const loaded = grpc.loadPackageDefinition(protoLoader.loadSync(proto, { enums: String }));
  // The loaded namespace is untyped: grpc.health.v1.Health, walked by hand.
  const v1 = ((loaded['grpc'] as grpc.GrpcObject)['health'] as grpc.GrpcObject)['v1'] as grpc.GrpcObject;
  const Client = v1['Health'] as grpc.ServiceClientConstructor;
  const address = `127.0.0.1:${server.grpcPort}`;
  client = new Client(address, grpc.credentials.createInsecure()) as unknown as HealthClient;
});
afterAll(async () => {
  client.close();
  await server.stop();
});

function check(service: string): Promise<{ status?: string; code?: grpc.status }> {
  return new Promise((resolve) =>
    client.Check({ service }, (err, res) => resolve(err ? { code: err.code } : { status: res?.status })),
  );
}

describe('a plain @grpc/grpc-js client on the h2c port', () => {
  it('checks health, NOT_FOUND for an unknown service', async () => {
    expect(await check('')).toEqual({ status: 'SERVING' });
    expect(await check('unknown')).toEqual({ code: grpc.status.NOT_FOUND });
  });

  it('watches health and hears a change', async () => {
    const stream = client.Watch({ service: 'grpc-js' });
    const statuses: string[] = [];
    await new Promise<void>((resolve) =>
      stream.on('data', (res: { status: string }) => {
        statuses.push(res.status);
        if (statuses.length === 1) server.health.setStatus('grpc-js', 'NOT_SERVING');
        else resolve();
      }),
    );
    stream.on('error', () => undefined); // the cancel below surfaces as CANCELLED
    stream.cancel();
    expect(statuses).toEqual(['SERVICE_UNKNOWN', 'NOT_SERVING']);
  });
});
