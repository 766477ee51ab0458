import { createClient, type Client, type Interceptor } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-web';
import { InsightsService, MetricsService, RealtimeService } from '@broxiva/contracts';

export interface Api {
  readonly realtime: Client<typeof RealtimeService>;
  readonly metrics: Client<typeof MetricsService>;
  readonly insights: Client<typeof InsightsService>;
}

/**
 * Connect-Web clients to the gateway's origin, which proxies each service's calls; `interceptors` run on
 * every call (the bearer token and the 401 handling of auth.ts).
 */
export function createApi(baseUrl: string, interceptors: Interceptor[] = []): Api {
  const transport = createConnectTransport({ baseUrl, useBinaryFormat: true, interceptors });
  return {
    realtime: createClient(RealtimeService, transport),
    metrics: createClient(MetricsService, transport),
    insights: createClient(InsightsService, transport),
  };
}
