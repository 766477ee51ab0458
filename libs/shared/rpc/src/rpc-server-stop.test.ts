import { Agent } from 'node:http';
import { connect } from 'node:net';
import { Code, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { Health, HealthCheckResponse_ServingStatus as Status, IngestService } from '@broxiva/contracts';
import { describe, expect, it } from 'vitest';
import { http1 } from './test-http.js';
import { startTestServer } from './test-server.js';
import { rejection } from './test-support.js';

function ingest(port: number, httpVersion: '1.1' | '2') {
  return createClient(
    IngestService,
    createConnectTransport({ baseUrl: `http://127.0.0.1:${port}`, httpVersion }),
  );
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

describe('RpcServer.stop', () => {
  it('lets running calls finish, ends streams with Unavailable, then closes both ports', async () => {
    const { server, entered } = await startTestServer(5_000);
    const h2 = createConnectTransport({ baseUrl: `http://127.0.0.1:${server.grpcPort}`, httpVersion: '2' });
    const watch = createClient(Health, h2).watch({ service: '' })[Symbol.asyncIterator]();
    expect((await watch.next()).value?.status).toBe(Status.SERVING);
    const calls = [
      ingest(server.httpPort, '1.1').getEvent({ eventId: 'slow' }),
      ingest(server.grpcPort, '2').getEvent({ eventId: 'slow' }),
    ];
    // As a browser does: the socket stays open for the next request after the response.
    const keepAlive = new Agent({ keepAlive: true });
    const browserCall = http1(
      server.httpPort,
      'POST',
      '/broxiva.analytics.ingest.v1.IngestService/GetEvent',
      { 'Content-Type': 'application/json' },
      '{"eventId":"slow"}',
      keepAlive,
    );
    await entered(3); // all three calls are in their handlers now

    const began = Date.now();
    const stopped = server.stop();
    expect((await watch.next()).value?.status).toBe(Status.NOT_SERVING);
    const ended = await rejection(watch.next());
    expect([ended.code, ended.rawMessage]).toEqual([Code.Unavailable, 'server is shutting down']);
    expect((await Promise.all(calls)).map((r) => r.event?.eventId)).toEqual(['slow', 'slow']);
    expect(JSON.parse((await browserCall).body)).toEqual({ event: { eventId: 'slow' } });
    await stopped;
    expect(Date.now() - began).toBeLessThan(2_000);
    expect(await refused(server.grpcPort)).toBe(true);
    expect(await refused(server.httpPort)).toBe(true);
    expect(server.stop()).toBe(stopped);
    keepAlive.destroy();
  });

  it('cuts connections still busy when the timeout is over', async () => {
    const { server, lines, release, entered } = await startTestServer(300);
    try {
      const h2Call = rejection(ingest(server.grpcPort, '2').getEvent({ eventId: 'hang' }));
      const h1Call = rejection(ingest(server.httpPort, '1.1').getEvent({ eventId: 'hang' }));
      await entered(2);
      const began = Date.now();
      await server.stop();
      expect(Date.now() - began).toBeLessThan(1_500);
      // Cut mid-call: the client libraries report the reset stream and the hung-up socket.
      expect(Code[(await h2Call).code]).toBe('Canceled');
      expect(Code[(await h1Call).code]).toBe('Aborted');
      expect(lines.some((l) => l['msg'] === 'rpc server: cutting connections still open')).toBe(true);
      expect(await refused(server.grpcPort)).toBe(true);
    } finally {
      release();
    }
  });
});
