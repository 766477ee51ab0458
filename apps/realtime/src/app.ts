import type { ConnectRouter } from '@connectrpc/connect';
import { RealtimeService } from '@broxiva/contracts';
import {
  disabledRealtimeService,
  realtimeService,
  type RealtimeServiceDeps,
} from './rpc/realtime-service.js';

/** The Realtime app's RPC routes; tests call this with real dependencies. `undefined`: turned off. */
export function buildApp(deps: RealtimeServiceDeps | undefined) {
  return {
    routes(router: ConnectRouter): void {
      router.service(RealtimeService, deps === undefined ? disabledRealtimeService() : realtimeService(deps));
    },
  };
}
