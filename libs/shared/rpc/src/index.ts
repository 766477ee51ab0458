export { createRpcServer, type RpcServer, type RpcServerOptions } from './rpc-server.js';
export type { CorsOptions, HttpHandler, NodeServerRequest, NodeServerResponse } from './http-routing.js';
export {
  createHealthService,
  type HealthReporter,
  type HealthService,
  type HealthStatusName,
} from './health-service.js';
export { errorInterceptor } from './error-interceptor.js';
export { mapError, violationsMetadataKey, type MappedError } from './error-mapping.js';
export { NotFoundError, OverloadError, ValidationError, type FieldViolation } from './errors.js';
export { runUntilSignal } from './run-until-signal.js';
export { prometheusRoute } from './prometheus-route.js';
export { serveService, type ServeServiceOptions } from './serve-service.js';
