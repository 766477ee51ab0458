import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInMemoryGateway } from '../testing/in-memory-gateway.js';
import { buildOpenApi } from './openapi.js';
import { docsHandler } from './docs-handler.js';

let gateway: Awaited<ReturnType<typeof startInMemoryGateway>>;
let doc: Record<string, unknown>;
beforeAll(async () => {
  const probe = await startInMemoryGateway({});
  doc = buildOpenApi(probe.routes);
  await probe.close();
  gateway = await startInMemoryGateway({}, { fallback: docsHandler(doc) });
});
afterAll(() => gateway.close());

describe('OpenAPI document', () => {
  it('validates as OpenAPI 3.1', async () => {
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('lists exactly the routes the gateway serves, with the documented paths', () => {
    const listed = Object.entries(doc['paths'] as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(listed.sort()).toEqual(gateway.routes.map((r) => `${r.method} ${r.path}`).sort());
    for (const route of [
      'POST /events/track',
      'POST /events/batch',
      'GET /events/{event_id}',
      'GET /realtime/overview',
      'GET /realtime/active-users',
      'GET /realtime/sessions',
      'GET /realtime/conversions',
      'POST /dashboard/metrics',
      'GET /dashboard/revenue',
      'GET /dashboard/orders',
      'GET /dashboard/users',
      'POST /ml/forecast',
      'GET /ml/anomalies',
      'GET /ml/trends',
      'GET /cohort/analysis',
      'GET /funnel/analysis',
      'GET /user/{user_id}/journey',
      'GET /health',
      'GET /metrics',
    ]) {
      expect(listed).toContain(route);
    }
  });

  it('describes fields in the REST mapping: snake_case, enums by short name, int64 as integers', () => {
    const schemas = (
      doc['components'] as { schemas: Record<string, { properties: Record<string, unknown> }> }
    ).schemas;
    expect(schemas['ingest_v1_EventResult']?.properties['status']).toEqual({
      type: 'string',
      enum: ['accepted', 'duplicate', 'rejected'],
    });
    expect(schemas['realtime_v1_Overview']?.properties['active_users']).toEqual({
      type: 'integer',
      format: 'int64',
    });
    expect(schemas['common_v1_Event']?.properties['timestamp']).toEqual({
      type: 'string',
      format: 'date-time',
    });
  });

  it('serves /openapi.json and Swagger UI with its assets from the npm package', async () => {
    expect(await (await gateway.fetch('/openapi.json')).json()).toEqual(doc);
    const page = await gateway.fetch('/docs');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('/docs/swagger-ui-bundle.js');
    const bundle = await gateway.fetch('/docs/swagger-ui-bundle.js');
    expect([bundle.status, (await bundle.text()).length > 100_000]).toEqual([200, true]);
    expect((await gateway.fetch('/docs/../package.json')).status).toBe(404);
  });

  it('serves ReDoc over the same document from the npm package, referencing only this origin', async () => {
    const page = await gateway.fetch('/redoc');
    expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    const html = await page.text();
    // Every src/href in the page is a same-origin path; nothing names another host or a font service.
    const refs = [...html.matchAll(/(?:src|href)\s*=\s*["']([^"']*)["']/gi)].map((m) => m[1]);
    expect(refs).toEqual(['/redoc/redoc.standalone.js', '/redoc/init.js']);
    expect(html).not.toMatch(/https?:|\/\/[a-z]|fonts\.g/i);
    // The policy keeps the browser on this origin (ReDoc's sidebar logo would come from cdn.redoc.ly).
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("img-src 'self' data:");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/https?:|\*|unsafe-eval/);

    const init = await (await gateway.fetch('/redoc/init.js')).text();
    expect(init).toMatch(/^Redoc\.init\('\/openapi\.json', /);
    expect(init).not.toMatch(/https?:|Roboto|Montserrat/);
    const script = await gateway.fetch('/redoc/redoc.standalone.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const code = await script.text();
    expect(code.length).toBeGreaterThan(500_000);
    expect(code).toContain('Redoc'); // the bundle's global
    expect((await gateway.fetch('/redoc/../package.json')).status).toBe(404);
    expect((await gateway.fetch('/redoc/redoc.lib.js')).status).toBe(404);
  });
});
