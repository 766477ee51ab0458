import {
  create,
  ScalarType,
  toJson,
  type DescEnum,
  type DescField,
  type DescMessage,
  type JsonObject,
  type JsonValue,
  type MessageShape,
} from '@bufbuild/protobuf';
import { base64Decode, base64Encode } from '@bufbuild/protobuf/wire';
import { TimestampSchema, timestampFromMs, type Timestamp } from '@bufbuild/protobuf/wkt';

/**
 * The REST JSON mapping of the contracts, driven by their descriptors so no schema is written twice:
 * proto field names (snake_case), every field present (defaults included), 64-bit integers as JSON
 * numbers, enums as their short lower-case names (`EVENT_STATUS_ACCEPTED` → `accepted`), timestamps as
 * RFC 3339, Struct/Value as plain JSON. Input is strict: an unknown field or a wrong type is a
 * violation naming the field's path, never a crash.
 */

/** One broken rule in a request body or query, by field path. */
export interface RestViolation {
  readonly field: string;
  readonly rule: string;
  readonly description: string;
}

/** A request that does not fit the contract's shape; the gateway answers 400 with the violations. */
export class RestInputError extends Error {
  override readonly name = 'RestInputError';
  constructor(readonly violations: readonly RestViolation[]) {
    super(`invalid request: ${violations.map((v) => `${v.field || '(body)'}: ${v.description}`).join('; ')}`);
  }
}

const INT64 = new Set([
  ScalarType.INT64,
  ScalarType.UINT64,
  ScalarType.SINT64,
  ScalarType.FIXED64,
  ScalarType.SFIXED64,
]);
const INT32 = new Set([ScalarType.INT32, ScalarType.SINT32, ScalarType.SFIXED32]);
const UINT32 = new Set([ScalarType.UINT32, ScalarType.FIXED32]);

/** The short REST name of an enum value: its proto name without the enum's shared prefix, lower case. */
export function enumRestName(desc: DescEnum, number: number): string {
  const value = desc.values.find((v) => v.number === number);
  if (value === undefined) return String(number);
  const prefix = enumPrefix(desc);
  const name = value.name.startsWith(prefix) ? value.name.slice(prefix.length) : value.name;
  return name.toLowerCase();
}

/** The REST names a client may send: every value but UNSPECIFIED (which means "not given"). */
export function enumRestNames(desc: DescEnum): string[] {
  return desc.values.filter((v) => v.number !== 0).map((v) => enumRestName(desc, v.number));
}

function enumPrefix(desc: DescEnum): string {
  // EventStatus → EVENT_STATUS_; protobuf-es computes the same for its own shortened names.
  return `${desc.name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}_`;
}

export const isTimestamp = (m: DescMessage) => m.typeName === 'google.protobuf.Timestamp';
/** Struct fields are plain JSON objects in protobuf-es messages already. */
export const isJsonWkt = (m: DescMessage) => m.typeName === 'google.protobuf.Struct';

// ---------------------------------------------------------------------------------------------- output

/** A contract message as REST JSON. */
export function toRest<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): JsonObject {
  const out: JsonObject = {};
  const record = message as unknown as Record<string, unknown>;
  for (const field of schema.fields) {
    let value: unknown;
    if (field.oneof !== undefined) {
      const oneof = record[field.oneof.localName] as { case?: string; value?: unknown } | undefined;
      if (oneof?.case !== field.localName) continue;
      value = oneof.value;
    } else {
      value = record[field.localName];
    }
    const json = fieldToRest(field, value);
    if (json !== undefined) out[field.name] = json;
  }
  return out;
}

function fieldToRest(field: DescField, value: unknown): JsonValue | undefined {
  switch (field.fieldKind) {
    case 'list':
      return ((value as unknown[] | undefined) ?? []).map((v) => singleToRest(field, field.listKind, v));
    case 'map': {
      const out: JsonObject = {};
      for (const [k, v] of Object.entries((value as Record<string, unknown> | undefined) ?? {})) {
        out[k] = singleToRest(field, field.mapKind, v);
      }
      return out;
    }
    case 'message':
      return value === undefined ? undefined : singleToRest(field, 'message', value);
    default:
      return singleToRest(field, field.fieldKind, value);
  }
}

function singleToRest(field: DescField, kind: 'scalar' | 'enum' | 'message', value: unknown): JsonValue {
  if (kind === 'enum') return enumRestName(field.enum as DescEnum, value as number);
  if (kind === 'message') {
    const desc = field.message as DescMessage;
    if (isTimestamp(desc)) return toJson(TimestampSchema, value as Timestamp);
    if (isJsonWkt(desc)) return (value ?? null) as JsonValue;
    return toRest(desc, value as never);
  }
  const scalar = field.scalar as ScalarType;
  if (INT64.has(scalar)) return Number(value as bigint);
  if (scalar === ScalarType.BYTES) return base64Encode(value as Uint8Array);
  // JSON has no NaN or Infinity; a broken number is better null than an invalid document.
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value as JsonValue;
}

// ----------------------------------------------------------------------------------------------- input

/** REST JSON to a contract message; throws RestInputError naming every bad field. */
export function fromRest<Desc extends DescMessage>(
  schema: Desc,
  json: unknown,
  path = '',
): MessageShape<Desc> {
  const violations: RestViolation[] = [];
  const init = messageFromRest(schema, json, path, violations);
  if (violations.length > 0) throw new RestInputError(violations);
  return create(schema, init as never);
}

type Sink = RestViolation[];

// A message's fields by proto (REST) name, built once per message type rather than searched per key.
const byNameCache = new WeakMap<DescMessage, ReadonlyMap<string, DescField>>();
function fieldsByName(schema: DescMessage): ReadonlyMap<string, DescField> {
  let map = byNameCache.get(schema);
  if (map === undefined) byNameCache.set(schema, (map = new Map(schema.fields.map((f) => [f.name, f]))));
  return map;
}
const join = (path: string, name: string) => (path === '' ? name : `${path}.${name}`);
const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function messageFromRest(schema: DescMessage, json: unknown, path: string, v: Sink): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    v.push({ field: path, rule: 'type', description: `must be an object, not ${typeName(json)}` });
    return {};
  }
  const init: Record<string, unknown> = {};
  const byName = fieldsByName(schema);
  for (const [key, value] of Object.entries(json)) {
    const field = byName.get(key);
    const fieldPath = join(path, key);
    if (field === undefined) {
      v.push({ field: fieldPath, rule: 'unknown_field', description: `unknown field "${key}"` });
      continue;
    }
    if (value === null) continue; // null means "not given", as in the protobuf JSON mapping.
    const converted = fieldFromRest(field, value, fieldPath, v);
    if (converted === undefined) continue;
    if (field.oneof !== undefined) {
      const taken = init[field.oneof.localName] as { case: string } | undefined;
      if (taken !== undefined) {
        const names = field.oneof.fields.map((f) => f.name).join(', ');
        v.push({ field: fieldPath, rule: 'oneof', description: `give only one of ${names}` });
        continue;
      }
      init[field.oneof.localName] = { case: field.localName, value: converted };
    } else {
      init[field.localName] = converted;
    }
  }
  return init;
}

export function fieldFromRest(field: DescField, value: unknown, path: string, v: Sink): unknown {
  switch (field.fieldKind) {
    case 'list':
      if (!Array.isArray(value)) {
        v.push({ field: path, rule: 'type', description: `must be an array, not ${typeName(value)}` });
        return undefined;
      }
      return value.map((item, i) => singleFromRest(field, field.listKind, item, `${path}[${i}]`, v));
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        v.push({ field: path, rule: 'type', description: `must be an object, not ${typeName(value)}` });
        return undefined;
      }
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(value)) {
        out[k] = singleFromRest(field, field.mapKind, item, `${path}.${k}`, v);
      }
      return out;
    }
    default:
      return singleFromRest(field, field.fieldKind, value, path, v);
  }
}

function singleFromRest(
  field: DescField,
  kind: 'scalar' | 'enum' | 'message',
  value: unknown,
  path: string,
  v: Sink,
): unknown {
  if (kind === 'enum') return enumFromRest(field.enum as DescEnum, value, path, v);
  if (kind === 'message') {
    const desc = field.message as DescMessage;
    if (isTimestamp(desc)) return timestampFromRest(value, path, v);
    if (desc.typeName === 'google.protobuf.Struct') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        v.push({ field: path, rule: 'type', description: `must be an object, not ${typeName(value)}` });
        return undefined;
      }
      return value;
    }
    return messageFromRest(desc, value, path, v);
  }
  return scalarFromRest(field.scalar as ScalarType, value, path, v);
}

// Every field of every request goes through here: no closure or message text is built unless it is bad.
function scalarFromRest(scalar: ScalarType, value: unknown, path: string, v: Sink): unknown {
  switch (scalar) {
    case ScalarType.STRING:
      return typeof value === 'string' ? value : bad(v, path, `must be a string, not ${typeName(value)}`);
    case ScalarType.BOOL:
      return typeof value === 'boolean'
        ? value
        : bad(v, path, `must be true or false, not ${typeName(value)}`);
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return typeof value === 'number' && Number.isFinite(value)
        ? value
        : bad(v, path, `must be a number, not ${typeName(value)}`);
    case ScalarType.BYTES:
      if (typeof value !== 'string') return bad(v, path, `must be base64 text, not ${typeName(value)}`);
      try {
        return base64Decode(value);
      } catch {
        return bad(v, path, 'must be base64 text');
      }
    default:
      return integerFromRest(scalar, value, path, v);
  }
}

function bad(v: Sink, path: string, description: string): undefined {
  v.push({ field: path, rule: 'type', description });
  return undefined;
}

function integerFromRest(scalar: ScalarType, value: unknown, path: string, v: Sink): unknown {
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n))
    return bad(v, path, `must be a whole number, not ${typeName(value)}`);
  if (INT32.has(scalar) && (n < -(2 ** 31) || n >= 2 ** 31)) return bad(v, path, 'must fit in 32 bits');
  if (UINT32.has(scalar) && (n < 0 || n >= 2 ** 32)) return bad(v, path, 'must be from 0 to 4294967295');
  if (INT64.has(scalar)) {
    if ((scalar === ScalarType.UINT64 || scalar === ScalarType.FIXED64) && n < 0)
      return bad(v, path, 'must not be negative');
    return BigInt(n);
  }
  return n;
}

/** An enum from its short REST name (any case), its full proto name, or undefined with a violation. */
export function enumFromRest(desc: DescEnum, value: unknown, path: string, v: Sink): number | undefined {
  if (typeof value === 'string') {
    const upper = value.trim().toUpperCase();
    const s = ALIASES[upper] ?? upper;
    const prefix = enumPrefix(desc);
    const found = desc.values.find((e) => e.number !== 0 && (e.name === s || e.name === prefix + s));
    if (found !== undefined) return found.number;
  }
  v.push({ field: path, rule: 'enum', description: `must be one of ${enumRestNames(desc).join(', ')}` });
  return undefined;
}

// The product's own words for granularities ("daily") next to the contract's (GRANULARITY_DAY).
const ALIASES: Readonly<Record<string, string>> = {
  HOURLY: 'HOUR',
  DAILY: 'DAY',
  WEEKLY: 'WEEK',
  MONTHLY: 'MONTH',
};

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/** An RFC 3339 time, or a date (YYYY-MM-DD, midnight UTC) as the product's query examples use. */
export function timestampFromRest(value: unknown, path: string, v: Sink): Timestamp | undefined {
  if (typeof value === 'string' && (DATE_ONLY.test(value) || RFC3339.test(value))) {
    const ms = Date.parse(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value);
    if (Number.isFinite(ms)) return timestampFromMs(ms);
  }
  v.push({
    field: path,
    rule: 'timestamp',
    description: 'must be an RFC 3339 time such as 2025-11-01T00:00:00Z or a date such as 2025-11-01',
  });
  return undefined;
}
