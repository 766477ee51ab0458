import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, type ConnectRouter, type HandlerContext } from '@connectrpc/connect';
import {
  Health,
  HealthCheckResponse_ServingStatus as ServingStatus,
  HealthCheckResponseSchema,
  type HealthCheckRequest,
} from '@broxiva/contracts';

/** The statuses a server reports; UNKNOWN and SERVICE_UNKNOWN are the protocol's, not ours to set. */
export type HealthStatusName = 'SERVING' | 'NOT_SERVING';

/** The handle services use to report readiness; the service "" is the whole server. */
export interface HealthReporter {
  setStatus(service: string, status: HealthStatusName): void;
}

export interface HealthService extends HealthReporter {
  register(router: ConnectRouter): void;
  /** Marks every service NOT_SERVING (watchers hear it) and ignores later setStatus calls. */
  shutdown(): void;
}

/**
 * The standard gRPC health service `grpc.health.v1.Health` (grpc/grpc-proto health.proto): Check answers
 * the current status or NOT_FOUND for a service never reported; Watch sends the status at once and then
 * again on every change, SERVICE_UNKNOWN while a service is unknown, until the call ends.
 */
export function createHealthService(): HealthService {
  const statuses = new Map<string, ServingStatus>([['', ServingStatus.SERVING]]);
  let waiters = new Set<() => void>();
  let shutDown = false;

  function changed(): void {
    const woken = waiters;
    waiters = new Set();
    for (const wake of woken) wake();
  }

  // Resolves on the next status change or when the call ends, whichever is first.
  function nextChange(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        waiters.delete(wake);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      if (signal.aborted) return resolve();
      waiters.add(wake);
      signal.addEventListener('abort', wake);
    });
  }

  async function* watch(req: HealthCheckRequest, ctx: HandlerContext) {
    let sent: ServingStatus | undefined;
    while (!ctx.signal.aborted) {
      const status = statuses.get(req.service) ?? ServingStatus.SERVICE_UNKNOWN;
      // Several changes between two sends collapse into the latest: the spec promises the current
      // status, not every transition. After a send, look again before waiting: a change made while
      // the client was reading would otherwise wait for the one after it.
      if (status !== sent) {
        sent = status;
        yield create(HealthCheckResponseSchema, { status });
        continue;
      }
      await nextChange(ctx.signal);
    }
    // Ended by server shutdown (Unavailable: reconnect elsewhere) or the client's cancel (unheard).
    throw ctx.signal.reason;
  }

  return {
    setStatus(service, status) {
      if (shutDown) return;
      statuses.set(service, ServingStatus[status]);
      changed();
    },
    shutdown() {
      shutDown = true;
      for (const service of statuses.keys()) statuses.set(service, ServingStatus.NOT_SERVING);
      changed();
    },
    register(router) {
      router.service(Health, {
        check(req) {
          const status = statuses.get(req.service);
          if (status === undefined) throw new ConnectError(`unknown service "${req.service}"`, Code.NotFound);
          return create(HealthCheckResponseSchema, { status });
        },
        watch,
      });
    },
  };
}
