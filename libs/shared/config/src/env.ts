import { z } from 'zod';
import { ConfigError } from './config-error.js';

/** The environment as Node gives it. Libraries never read it; each app's config.ts passes it here once. */
export type Env = Readonly<Record<string, string | undefined>>;

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** A boolean flag: true/false, 1/0, yes/no, on/off (any case). */
export const flag = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const s = v.trim().toLowerCase();
      if (TRUE.has(s)) return true;
      if (FALSE.has(s)) return false;
      ctx.addIssue({ code: 'custom', message: 'must be true or false' });
      return z.NEVER;
    });

/** A whole number in [min, max]. */
export const integer = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v.trim());
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });

/** A decimal number strictly between min and max. */
export const fraction = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v.trim());
      if (!Number.isFinite(n) || n <= min || n >= max) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a number greater than ${min} and less than ${max}`,
        });
        return z.NEVER;
      }
      return n;
    });

/** A URL whose scheme is one of `protocols` (without the colon). */
export const url = (fallback: string, protocols: readonly string[]) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const raw = v === undefined || v === '' ? fallback : v.trim();
      let parsed: URL;
      try {
        parsed = new URL(raw);
      } catch {
        ctx.addIssue({ code: 'custom', message: `must be a URL (${protocols.join(' or ')})` });
        return z.NEVER;
      }
      if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
        ctx.addIssue({ code: 'custom', message: `must use the ${protocols.join(' or ')} scheme` });
        return z.NEVER;
      }
      return raw;
    });

/** One of a fixed set of words, case-insensitive; returned upper-cased as listed. */
export const oneOf = <const T extends readonly [string, ...string[]]>(fallback: T[number], values: T) =>
  z
    .string()
    .optional()
    .transform((v, ctx): T[number] => {
      if (v === undefined || v === '') return fallback;
      const found = values.find((x) => x.toLowerCase() === v.trim().toLowerCase());
      if (found === undefined) {
        ctx.addIssue({ code: 'custom', message: `must be one of ${values.join(', ')}` });
        return z.NEVER;
      }
      return found;
    });

/** Optional free text (empty means absent). */
export const text = () =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** Comma-separated browser origins (`https://shop.example,https://admin.example`); empty or `*` allows any. */
export const origins = () =>
  z
    .string()
    .optional()
    .transform((v, ctx): '*' | string[] => {
      if (v === undefined || v.trim() === '' || v.trim() === '*') return '*';
      const list = v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      const bad = list.find((o) => !/^https?:\/\/[^/\s]+$/.test(o));
      if (bad !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `must list origins such as https://shop.example (not "${bad}")`,
        });
        return z.NEVER;
      }
      return list;
    });

/** An IANA time zone name. */
export const timeZone = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const tz = v === undefined || v === '' ? fallback : v.trim();
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be an IANA time zone such as UTC or Europe/Berlin' });
        return z.NEVER;
      }
      return tz;
    });

type Shape = Record<string, z.ZodType<unknown, string | undefined>>;

/**
 * Parses `env` with `shape` (variable name → parser) into a deeply frozen object keyed like the shape.
 * Every wrong variable is reported at once, by name and rule.
 */
export function parseEnv<S extends Shape>(shape: S, env: Env): Readonly<{ [K in keyof S]: z.output<S[K]> }> {
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => ({ variable: issue.path.join('.'), rule: issue.message })),
    );
  }
  return Object.freeze(result.data) as Readonly<{ [K in keyof S]: z.output<S[K]> }>;
}
