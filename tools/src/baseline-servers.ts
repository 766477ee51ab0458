// Baselines for the benchmarks: servers that do the least a request needs on this machine, so a benchmark
// can report, under the same load and in the same run, what no code of ours could beat here. They are
// instruments, never part of the product: each answers without doing the service's work.
//   tsx tools/src/baseline-servers.ts --kind overview --port 59101   # RealtimeService.GetOverview (gRPC,
//       Connect, gRPC-Web through connect-node, like the app), answering a fixed overview from memory
//   tsx tools/src/baseline-servers.ts --kind http --port 59102       # node:http: reads the body, parses
//       the JSON and answers 200 with a small fixed JSON document, like POST /events/track's answer
//   tsx tools/src/baseline-servers.ts --kind ingest --port 59103 --stream-prefix P
//       # gRPC IngestService.TrackBatch (@grpc/grpc-js, bytes not decoded): each request's bytes go to
//       # JetStream as one message (file storage), and the answer says all its events were accepted once
//       # JetStream acknowledged it: the bus's part of acknowledging, without validation or anything else
// Prints `listening` on stdout once it serves; stops on SIGTERM (the ingest kind deletes its stream).
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { RealtimeService, TrackBatchResponseSchema } from '@broxiva/contracts';
import { Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttp2Server } from 'node:http2';
import { parseArgs } from 'node:util';

const { values: a } = parseArgs({
  options: {
    kind: { type: 'string' },
    port: { type: 'string' },
    'stream-prefix': { type: 'string', default: 'baseline' },
    'nats-url': { type: 'string', default: 'nats://127.0.0.1:4222' },
    /** Events each TrackBatch request holds (the answer's accepted count). */
    batch: { type: 'string', default: '500' },
  },
});
const port = Number(a.port);
const stops: (() => Promise<void>)[] = [];

switch (a.kind) {
  case 'overview': {
    const handler = connectNodeAdapter({
      routes: (router) =>
        router.service(RealtimeService, {
          getOverview: () => ({
            overview: {
              timestamp: timestampNow(),
              activeUsers: 1247n,
              activeSessions: 892n,
              ordersToday: 156n,
              revenueToday: 15420.5,
              cartValueAvg: 85.3,
              conversionRate: 3.2,
              currency: 'USD',
            },
          }),
        }),
    });
    const server = createHttp2Server(handler);
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    stops.push(() => new Promise((resolve) => server.close(() => resolve())));
    break;
  }
  case 'http': {
    const answer = JSON.stringify({
      result: { index: 0, event_id: '00000000-0000-4000-8000-000000000000', status: 'accepted' },
    });
    const server = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          JSON.parse(Buffer.concat(chunks).toString() || '{}');
          res.writeHead(200, { 'content-type': 'application/json' }).end(answer);
        } catch {
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    stops.push(() => new Promise((resolve) => server.close(() => resolve())));
    break;
  }
  case 'ingest': {
    const nc = await connect({ servers: a['nats-url']! });
    const jsm = await jetstreamManager(nc);
    const stream = `${a['stream-prefix']!}_BASELINE`;
    const subject = `${a['stream-prefix']!}.baseline`;
    await jsm.streams.add({ name: stream, subjects: [subject] });
    const js = jetstream(nc);
    const answer = Buffer.from(
      toBinary(TrackBatchResponseSchema, create(TrackBatchResponseSchema, { accepted: Number(a.batch) })),
    );
    const bytes = (b: Buffer) => b;
    const server = new Server({ 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
    server.addService(
      {
        TrackBatch: {
          path: '/broxiva.analytics.ingest.v1.IngestService/TrackBatch',
          requestStream: false,
          responseStream: false,
          requestSerialize: bytes,
          requestDeserialize: bytes,
          responseSerialize: bytes,
          responseDeserialize: bytes,
        },
      },
      {
        TrackBatch: (call: ServerUnaryCall<Buffer, Buffer>, done: sendUnaryData<Buffer>) =>
          void js.publish(subject, call.request).then(
            () => done(null, answer),
            (e: unknown) => done(e as Error),
          ),
      },
    );
    await new Promise<void>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (e) =>
        e === null ? resolve() : reject(e),
      ),
    );
    stops.push(async () => {
      server.forceShutdown();
      await jsm.streams.delete(stream).catch(() => false);
      await nc.close();
    });
    break;
  }
  default:
    throw new Error(`--kind must be overview, http or ingest (got ${String(a.kind)})`);
}
process.stdout.write('listening\n');
process.once('SIGTERM', () => void Promise.all(stops.map((s) => s())).then(() => process.exit(0)));
