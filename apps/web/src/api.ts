import { createClient, type Client, type Interceptor } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-web';
import { InsightsService, MetricsService, RealtimeService } from '@broxiva/contracts';

const TOKEN_KEY = 'broxiva.token';

/** The reader token (JWT) the user pasted, kept in this browser only. */
export const token = {
  get: (): string => localStorage.getItem(TOKEN_KEY) ?? '',
  set(value: string): void {
    if (value.trim() === '') localStorage.removeItem(TOKEN_KEY);
    else localStorage.setItem(TOKEN_KEY, value.trim());
  },
};

const bearer: Interceptor = (next) => (req) => {
  const t = token.get();
  if (t !== '') req.header.set('Authorization', `Bearer ${t}`);
  return next(req);
};

export interface Api {
  readonly realtime: Client<typeof RealtimeService>;
  readonly metrics: Client<typeof MetricsService>;
  readonly insights: Client<typeof InsightsService>;
}

/** Connect-Web clients to the gateway's origin, which proxies each service's calls. */
export function createApi(baseUrl: string): Api {
  const transport = createConnectTransport({ baseUrl, useBinaryFormat: true, interceptors: [bearer] });
  return {
    realtime: createClient(RealtimeService, transport),
    metrics: createClient(MetricsService, transport),
    insights: createClient(InsightsService, transport),
  };
}
