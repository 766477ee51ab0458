import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';

// Sign-in with a reader token (JWT): the token lives in this tab's sessionStorage only, goes out as
// `Authorization: Bearer` on every Connect call, and a 401 from the gateway asks for a token again.

const TOKEN_KEY = 'broxiva.token';

/** Where the token is kept: `sessionStorage` in the browser, a Map-backed store in tests. */
export type TokenStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface TokenStore {
  get(): string;
  /** Keeps a trimmed token; an empty one signs out. */
  set(value: string): void;
  clear(): void;
}

export function createTokenStore(storage: TokenStorage): TokenStore {
  return {
    get: () => storage.getItem(TOKEN_KEY) ?? '',
    set(value) {
      const t = value.trim().replace(/^Bearer\s+/i, '');
      if (t === '') storage.removeItem(TOKEN_KEY);
      else storage.setItem(TOKEN_KEY, t);
    },
    clear: () => storage.removeItem(TOKEN_KEY),
  };
}

/** Why the login view is shown: no token yet, or the one we sent was refused (and what the gateway said). */
export interface SignInReason {
  readonly hadToken: boolean;
  readonly detail: string;
}

/** The message the login view shows for a reason. */
export function signInMessage(reason: SignInReason | undefined): string {
  if (reason === undefined) return 'Paste a token (JWT) with the reader role to read this shop’s data.';
  if (!reason.hadToken) return 'This gateway requires sign-in: paste a token (JWT) with the reader role.';
  return `Your token was refused (${reason.detail || 'unauthenticated'}). It may have expired: paste a new one.`;
}

/**
 * Adds the stored token as a bearer header and reports every `Unauthenticated` answer (HTTP 401, or the
 * end-of-stream error of a server stream) to `onUnauthenticated`, then rethrows it so the caller's own
 * error handling still runs.
 */
export function authInterceptor(
  tokens: Pick<TokenStore, 'get'>,
  onUnauthenticated: (reason: SignInReason) => void,
): Interceptor {
  return (next) => async (req) => {
    const t = tokens.get();
    if (t !== '') req.header.set('Authorization', `Bearer ${t}`);
    const report = (err: unknown): never => {
      const e = ConnectError.from(err);
      if (e.code === Code.Unauthenticated) onUnauthenticated({ hadToken: t !== '', detail: e.rawMessage });
      throw err;
    };
    const res = await next(req).catch(report);
    if (!res.stream) return res;
    const messages = res.message;
    return {
      ...res,
      message: (async function* () {
        try {
          yield* messages;
        } catch (err) {
          report(err);
        }
      })(),
    };
  };
}
