import type { DescMethodUnary } from '@bufbuild/protobuf';
import type { ConnectRouter, MethodImpl } from '@connectrpc/connect';
import type { UniversalHandler } from '@connectrpc/connect/protocol';

const isJson = (contentType: string | null) => contentType !== null && /json/i.test(contentType);

/**
 * Serves binary requests (gRPC, gRPC-Web and Connect with protobuf) of an already registered method with
 * `impl` for `encodedMethod`, a wire-compatible reading of its request; JSON requests keep the registered
 * handler. Both run behind the router's interceptors. Why: Ingest's callers send protobuf, and keeping
 * each event's bytes lets Ingest publish them without encoding the event again (see event-encoding.ts).
 */
export function serveBinaryAs<M extends DescMethodUnary>(
  router: ConnectRouter,
  encodedMethod: M,
  impl: MethodImpl<M>,
): void {
  const path = `/${encodedMethod.parent.typeName}/${encodedMethod.name}`;
  const at = router.handlers.findIndex((h) => h.requestPath === path);
  const registered = router.handlers[at];
  if (registered === undefined) throw new Error(`serveBinaryAs: ${path} is not registered yet`);
  router.rpc(encodedMethod, impl);
  const binary = router.handlers.pop() as UniversalHandler;
  const both = (req: Parameters<UniversalHandler>[0]) =>
    isJson(req.header.get('Content-Type')) ? registered(req) : binary(req);
  router.handlers[at] = Object.assign(both, {
    protocolNames: registered.protocolNames,
    service: registered.service,
    method: registered.method,
    requestPath: registered.requestPath,
    allowedMethods: registered.allowedMethods,
    supportedContentType: registered.supportedContentType,
  });
}
