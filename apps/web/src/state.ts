import { Code, ConnectError } from '@connectrpc/connect';

/** The services the dashboard calls, each through the gateway's origin. */
export type ServiceName = 'realtime' | 'metrics' | 'insights';

/** What a panel shows: each state is drawn distinctly, never a blank area. */
export type PanelState<T> =
  | { readonly kind: 'loading'; readonly service: ServiceName }
  | { readonly kind: 'empty'; readonly message: string }
  | { readonly kind: 'ready'; readonly value: T }
  | { readonly kind: 'error'; readonly error: ServiceError };

export interface ServiceError {
  readonly service: ServiceName;
  readonly code: string;
  /** One line a shop owner understands, naming the service. */
  readonly title: string;
  /** What the service (or the gateway) said. */
  readonly detail: string;
  /** Signing in (again) is what helps. */
  readonly needsToken: boolean;
}

const LABEL: Record<ServiceName, string> = {
  realtime: 'Realtime',
  metrics: 'Metrics',
  insights: 'Insights',
};

const codeName = (code: Code) => (Code[code] ?? 'unknown').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();

/** Any failure of a call to `service` as a panel's error: which service, what went wrong, what helps. */
export function describeError(service: ServiceName, err: unknown): ServiceError {
  const e = ConnectError.from(err);
  const name = LABEL[service];
  const detail = e.rawMessage;
  const base = { service, code: codeName(e.code), detail, needsToken: false };
  switch (e.code) {
    case Code.Unavailable:
      return { ...base, title: `${name} service unavailable` };
    case Code.Unauthenticated:
      return { ...base, title: `${name}: sign in with a reader token`, needsToken: true };
    case Code.PermissionDenied:
      return { ...base, title: `${name}: your token may not do this`, needsToken: true };
    case Code.FailedPrecondition:
      return { ...base, title: `${name}: feature turned off` };
    case Code.DeadlineExceeded:
      return { ...base, title: `${name} service timed out` };
    case Code.ResourceExhausted:
      return { ...base, title: `${name} service is busy; try again shortly` };
    case Code.InvalidArgument:
      return { ...base, title: `${name} service refused the query` };
    case Code.NotFound:
      return { ...base, title: `${name}: not found` };
    default:
      return { ...base, title: `${name} service failed (${base.code})` };
  }
}

/** A call the user replaced or left (a newer query, a closed view): not an error to show. */
export const isCanceled = (err: unknown) => ConnectError.from(err).code === Code.Canceled;

/** The keys whose values differ between two snapshots: the tiles to flash on a live update. */
export function changedKeys<T extends object>(prev: T | undefined, next: T): (keyof T)[] {
  if (prev === undefined) return [];
  return (Object.keys(next) as (keyof T)[]).filter((k) => prev[k] !== next[k]);
}

/** Newest first, at most `max`. */
export function pushRecent<T>(list: readonly T[], item: T, max: number): T[] {
  return [item, ...list].slice(0, max);
}

/** Reconnect delays for a live stream: 1 s, 2 s, 4 s … capped, back to 1 s after a message. */
export function backoffMs(attempt: number, capMs = 15_000): number {
  return Math.min(capMs, 1000 * 2 ** Math.max(0, attempt));
}
