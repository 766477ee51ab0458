import { ScalarType, type DescField, type DescMessage, type JsonValue } from '@bufbuild/protobuf';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fieldFromRest, RestInputError, type RestViolation } from '../rest-json.js';

/** Who may call a route: anyone, a write key (ingest), a JWT with role reader or admin. */
export type Access = 'public' | 'write' | 'read' | 'admin';

/** A query parameter bound to a contract field: its type, enum values and docs come from the descriptor. */
export interface QueryParam {
  readonly name: string;
  readonly field: DescField;
  readonly required?: boolean;
}

/**
 * A JSON body or response: one contract message, or an array of them, or (for the product's own request
 * shapes such as POST /ml/forecast) named fields each typed by a contract field.
 */
export type BodyShape =
  | { readonly message: DescMessage; readonly array?: boolean; readonly params?: undefined }
  | { readonly params: readonly QueryParam[]; readonly message?: undefined };

export interface RouteContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly clientIp: string;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
  /** The JSON body (size, type and depth checked). */
  body(): Promise<unknown>;
}

export interface RouteResult {
  readonly status: number;
  readonly body: JsonValue;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** OpenAPI-style template: `/events/{event_id}`. */
  readonly path: string;
  readonly access: Access;
  readonly tag: string;
  readonly summary: string;
  readonly query?: readonly QueryParam[];
  readonly request?: BodyShape;
  /** The 200 body, for the OpenAPI document; routes answering other ways say so in `responses`. */
  readonly response?: BodyShape;
  /** Extra documented statuses, e.g. 207 for a partly accepted batch. */
  readonly responses?: Readonly<Record<string, string>>;
  /** Streams its own answer (SSE) when it returns undefined. */
  handle(ctx: RouteContext): Promise<RouteResult | undefined>;
}

/** Query params for fields of one message, by proto name. */
export function paramsOf(
  schema: DescMessage,
  names: readonly string[],
  required: readonly string[] = [],
): QueryParam[] {
  return names.map((name) => {
    const field = schema.fields.find((f) => f.name === name);
    if (field === undefined) throw new Error(`${schema.typeName} has no field ${name}`);
    return { name, field, required: required.includes(name) };
  });
}

/**
 * The query string as typed values by param name; unknown, repeated-when-single, missing-required and
 * ill-typed params are violations (400) naming the param.
 */
export function parseQuery(params: readonly QueryParam[], query: URLSearchParams): Record<string, unknown> {
  const v: RestViolation[] = [];
  const out: Record<string, unknown> = {};
  for (const key of new Set(query.keys())) {
    if (!params.some((p) => p.name === key)) {
      v.push({ field: key, rule: 'unknown_field', description: `unknown query parameter "${key}"` });
    }
  }
  for (const p of params) {
    const raw = query.getAll(p.name);
    if (raw.length === 0 || (raw.length === 1 && raw[0] === '')) {
      if (p.required === true)
        v.push({ field: p.name, rule: 'required', description: `${p.name} is required` });
      continue;
    }
    if (p.field.fieldKind === 'list') {
      const items = raw.flatMap((s) => s.split(',')).map((s) => queryJson(p.field, s.trim()));
      out[p.name] = fieldFromRest(p.field, items, p.name, v);
    } else if (raw.length > 1) {
      v.push({ field: p.name, rule: 'single', description: `${p.name} must be given once` });
    } else {
      out[p.name] = fieldFromRest(p.field, queryJson(p.field, raw[0] as string), p.name, v);
    }
  }
  if (v.length > 0) throw new RestInputError(v);
  return out;
}

/** A JSON object of named params (a body in the product's own shape), typed by their contract fields. */
export function parseObject(params: readonly QueryParam[], json: unknown): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new RestInputError([{ field: '', rule: 'type', description: 'the body must be a JSON object' }]);
  }
  const v: RestViolation[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    const p = params.find((x) => x.name === key);
    if (p === undefined) v.push({ field: key, rule: 'unknown_field', description: `unknown field "${key}"` });
    else if (value !== null) out[key] = fieldFromRest(p.field, value, key, v);
  }
  for (const p of params) {
    if (p.required === true && out[p.name] === undefined && !v.some((x) => x.field === p.name)) {
      v.push({ field: p.name, rule: 'required', description: `${p.name} is required` });
    }
  }
  if (v.length > 0) throw new RestInputError(v);
  return out;
}

/** Parsed values keyed by the fields' local names, ready for `create(schema, …)`. */
export function initOf(
  params: readonly QueryParam[],
  values: Record<string, unknown>,
): Record<string, unknown> {
  const init: Record<string, unknown> = {};
  for (const p of params) if (values[p.name] !== undefined) init[p.field.localName] = values[p.name];
  return init;
}

// Query values are text: give the JSON reader the type the field expects where the text is one.
function queryJson(field: DescField, s: string): unknown {
  const kind = field.fieldKind === 'list' ? field.listKind : field.fieldKind;
  if (kind !== 'scalar' || field.scalar === ScalarType.STRING || field.scalar === ScalarType.BYTES) return s;
  if (field.scalar === ScalarType.BOOL) return s === 'true' ? true : s === 'false' ? false : s;
  return /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s) ? Number(s) : s;
}
