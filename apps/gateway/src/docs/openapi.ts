import { ScalarType, type DescField, type DescMessage } from '@bufbuild/protobuf';
import type { BodyShape, QueryParam, Route } from '../http/route.js';
import { enumRestNames, isJsonWkt, isTimestamp } from '../rest-json.js';

type Schema = Record<string, unknown>;

const INTEGER = new Set([
  ScalarType.INT32,
  ScalarType.SINT32,
  ScalarType.SFIXED32,
  ScalarType.UINT32,
  ScalarType.FIXED32,
]);

/**
 * The OpenAPI 3.1 document of the gateway, generated from the route table and the contracts'
 * descriptors with the same REST mapping the routes use (rest-json.ts): nothing is written twice.
 */
export function buildOpenApi(routes: readonly Route[]): Schema {
  const schemas: Record<string, Schema> = {};
  const ref = (m: DescMessage): Schema => {
    const name = m.typeName.replace(/^broxiva\.analytics\./, '').replace(/\./g, '_');
    if (!(name in schemas)) {
      schemas[name] = {}; // reserve first: messages can be recursive
      schemas[name] = messageSchema(m);
    }
    return { $ref: `#/components/schemas/${name}` };
  };

  function single(f: DescField, kind: 'scalar' | 'enum' | 'message'): Schema {
    if (kind === 'enum' && f.enum !== undefined) return { type: 'string', enum: enumRestNames(f.enum) };
    if (kind === 'message' && f.message !== undefined) {
      if (isTimestamp(f.message)) return { type: 'string', format: 'date-time' };
      if (isJsonWkt(f.message)) return { type: 'object', additionalProperties: true };
      return ref(f.message);
    }
    const s = f.scalar as ScalarType;
    if (s === ScalarType.STRING) return { type: 'string' };
    if (s === ScalarType.BOOL) return { type: 'boolean' };
    if (s === ScalarType.BYTES) return { type: 'string', contentEncoding: 'base64' };
    if (s === ScalarType.DOUBLE || s === ScalarType.FLOAT) return { type: 'number' };
    return { type: 'integer', format: INTEGER.has(s) ? 'int32' : 'int64' };
  }

  function fieldSchema(f: DescField): Schema {
    const doc = f.proto.options?.deprecated === true ? { deprecated: true } : {};
    if (f.fieldKind === 'list') return { type: 'array', items: single(f, f.listKind), ...doc };
    if (f.fieldKind === 'map') return { type: 'object', additionalProperties: single(f, f.mapKind), ...doc };
    return { ...single(f, f.fieldKind), ...doc };
  }

  function messageSchema(m: DescMessage): Schema {
    const properties: Record<string, Schema> = {};
    for (const f of m.fields) properties[f.name] = fieldSchema(f);
    return { type: 'object', additionalProperties: false, properties };
  }

  const paramsSchema = (params: readonly QueryParam[]): Schema => ({
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(params.map((p) => [p.name, fieldSchema(p.field)])),
    required: params.filter((p) => p.required === true).map((p) => p.name),
  });
  const bodySchema = (b: BodyShape): Schema =>
    b.params !== undefined
      ? paramsSchema(b.params)
      : b.array === true
        ? { type: 'array', items: ref(b.message) }
        : ref(b.message);

  const error = { $ref: '#/components/responses/Error' };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const params = [
      ...[...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
        name: m[1],
        in: 'path',
        required: true,
        schema: { type: 'string' },
      })),
      ...(r.query ?? []).map((p) => ({
        name: p.name,
        in: 'query',
        required: p.required === true,
        schema: fieldSchema(p.field),
      })),
    ];
    const ok =
      r.response === undefined
        ? { description: 'OK' }
        : {
            description: 'OK',
            content: {
              [r.path === '/realtime/stream' ? 'text/event-stream' : 'application/json']: {
                schema: bodySchema(r.response),
              },
            },
          };
    const extra = Object.fromEntries(
      Object.entries(r.responses ?? {}).map(([status, description]) => [
        status,
        status === '204' || r.response === undefined
          ? { description }
          : { description, content: { 'application/json': { schema: bodySchema(r.response) } } },
      ]),
    );
    const security =
      r.access === 'public'
        ? []
        : r.access === 'write'
          ? [{ writeKey: [] }, { writeKeyHeader: [] }]
          : [{ jwt: [r.access === 'admin' ? 'admin' : 'reader'] }];
    (paths[r.path] ??= {})[r.method.toLowerCase()] = {
      operationId: `${r.method.toLowerCase()}${r.path.replace(/\{(\w+)\}/g, 'By_$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      tags: [r.tag],
      summary: r.summary,
      ...(params.length > 0 ? { parameters: params } : {}),
      ...(r.request === undefined
        ? {}
        : {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: bodySchema(r.request) } },
            },
          }),
      responses: {
        ...(r.responses?.['201'] !== undefined || r.responses?.['204'] !== undefined ? {} : { '200': ok }),
        ...extra,
        ...(r.access === 'public' ? {} : { '401': error, '403': error, '429': error }),
        '400': error,
        '404': error,
        '413': error,
        '501': error,
        '503': error,
      },
      security,
    };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Broxiva Analytics REST API',
      version: '1.0.0',
      description:
        'The REST gateway over the Ingest, Realtime, Metrics and Insights services. Field names are snake_case; ' +
        'enums are lower-case names; times are RFC 3339; errors are `{code, message, violations?}` with the ' +
        "Connect code's HTTP status.",
    },
    paths,
    components: {
      schemas: {
        ...schemas,
        Error: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: { type: 'string', examples: ['invalid_argument', 'not_found', 'unavailable'] },
            message: { type: 'string' },
            violations: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  field: { type: 'string' },
                  rule: { type: 'string' },
                  description: { type: 'string' },
                },
              },
            },
          },
        },
      },
      responses: {
        Error: {
          description: 'An error',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
      securitySchemes: {
        writeKey: { type: 'http', scheme: 'bearer', description: 'A write key (ingest routes).' },
        writeKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        jwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Roles reader or admin.' },
      },
    },
  };
}
