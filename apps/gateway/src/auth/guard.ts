import { Code, ConnectError } from '@connectrpc/connect';
import { errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { IncomingMessage } from 'node:http';
import { HttpError } from '../http/http-error.js';
import type { Route } from '../http/route.js';
import type { RateLimiter } from './rate-limit.js';
import type { WriteKeys } from './write-keys.js';

export interface JwtSettings {
  /** HS256 secret bytes, or an RS256 key set (createRemoteJWKSet). */
  readonly key: Uint8Array | JWTVerifyGetKey;
  readonly issuer: string;
  readonly audience: string;
}

export interface GuardDeps {
  readonly writeKeys: Pick<WriteKeys, 'lookup'>;
  readonly jwt: JwtSettings;
  readonly rateLimit: RateLimiter;
}

const unauthenticated = (message: string) =>
  new HttpError(401, Code.Unauthenticated, message, { 'WWW-Authenticate': 'Bearer' });

function credential(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  const key = req.headers['x-api-key'];
  return typeof key === 'string' && key !== '' ? key : undefined;
}

/**
 * Who may call a route: ingest routes take a write key (Bearer or X-API-Key), read routes a JWT whose
 * signature, algorithm, issuer, audience and expiry all check out and whose roles include reader (or
 * admin); admin routes need admin. Then the caller's rate, per key or token subject. A Redis outage is
 * Unavailable (503), never an open door.
 */
export function createGuard(deps: GuardDeps): (req: IncomingMessage, route: Route) => Promise<void> {
  const algorithms = deps.jwt.key instanceof Uint8Array ? ['HS256'] : ['RS256'];
  const options = {
    algorithms,
    issuer: deps.jwt.issuer,
    audience: deps.jwt.audience,
    requiredClaims: ['exp', 'sub'],
  };
  const verify = (token: string) =>
    deps.jwt.key instanceof Uint8Array
      ? jwtVerify(token, deps.jwt.key, options)
      : jwtVerify(token, deps.jwt.key, options);

  async function subjectOf(req: IncomingMessage, route: Route): Promise<string> {
    const token = credential(req);
    if (token === undefined) throw unauthenticated('a write key or bearer token is required');
    if (route.access === 'write') {
      const name = await deps.writeKeys.lookup(token).catch((err: unknown) => {
        throw new ConnectError('auth store unavailable', Code.Unavailable, undefined, undefined, err);
      });
      if (name === undefined) throw unauthenticated('unknown write key');
      // One key per name (creating a key replaces the name's old one): the name is the key's identity.
      return `key:${name}`;
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await verify(token));
    } catch (err) {
      if (err instanceof joseErrors.JOSEError) throw unauthenticated(`invalid token: ${err.code}`);
      throw err;
    }
    const roles: unknown[] = Array.isArray(payload['roles']) ? payload['roles'] : [payload['role']];
    const ok =
      route.access === 'admin'
        ? roles.includes('admin')
        : roles.includes('reader') || roles.includes('admin');
    if (!ok) {
      throw new HttpError(
        403,
        Code.PermissionDenied,
        `role ${route.access === 'admin' ? 'admin' : 'reader'} required`,
      );
    }
    return `sub:${payload.sub ?? ''}`;
  }

  return async (req, route) => {
    if (route.access === 'public') return;
    const subject = await subjectOf(req, route);
    const decision = await deps.rateLimit(subject).catch((err: unknown) => {
      throw new ConnectError('rate limiter unavailable', Code.Unavailable, undefined, undefined, err);
    });
    if (!decision.allowed) {
      throw new HttpError(429, Code.ResourceExhausted, 'rate limit exceeded', {
        'Retry-After': String(decision.retryAfterSeconds),
      });
    }
  };
}
