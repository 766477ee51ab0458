// Docker HEALTHCHECK for every app in the image: exit 0 when the app named by APP says it serves.
// The gateway answers GET /health on PORT. The services answer the standard grpc.health.v1 Check on their
// HTTP/1.1 port too (the same Connect router serves both ports), as Connect JSON: {"status":"SERVING"}.
// The defaults here are the ones in apps/<app>/src/config.ts; deploy/test checks that they agree.
const HTTP_PORTS = {
  ingest: ['INGEST_HTTP_PORT', 8081],
  realtime: ['REALTIME_HTTP_PORT', 8082],
  metrics: ['METRICS_HTTP_PORT', 8083],
  insights: ['INSIGHTS_HTTP_PORT', 8084],
  gateway: ['PORT', 8005],
};

const app = process.env.APP ?? '';
const entry = HTTP_PORTS[app];
if (entry === undefined) {
  console.error(`healthcheck: unknown APP '${app}'`);
  process.exit(2);
}
const [variable, fallback] = entry;
const port = Number(process.env[variable] ?? fallback);
const signal = AbortSignal.timeout(4000);

try {
  if (app === 'gateway') {
    const res = await fetch(`http://127.0.0.1:${port}/health`, { signal });
    if (!res.ok) throw new Error(`GET /health answered ${res.status}`);
  } else {
    const res = await fetch(`http://127.0.0.1:${port}/grpc.health.v1.Health/Check`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'connect-protocol-version': '1' },
      body: '{}',
      signal,
    });
    const body = await res.json();
    if (!res.ok || body.status !== 'SERVING') throw new Error(`health ${res.status} ${JSON.stringify(body)}`);
  }
} catch (err) {
  console.error(`healthcheck: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
