/** The first connection to NATS failed; the message names the URL and how to start the server. */
export class BusConnectError extends Error {
  override readonly name = 'BusConnectError';
  constructor(
    readonly url: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * A stream or consumer exists with a setting JetStream cannot change in place (storage, retention, filter,
 * ack policy). Provisioning refuses rather than delete and recreate it, which would lose its data.
 */
export class TopologyConflictError extends Error {
  override readonly name = 'TopologyConflictError';
  constructor(
    readonly resource: string,
    readonly fields: readonly string[],
  ) {
    super(`${resource} exists with different ${fields.join(', ')}; these cannot be updated in place`);
  }
}

/** NATS is unreachable right now (between a disconnect and a reconnect): retry later. */
export class BusUnavailableError extends Error {
  override readonly name = 'ConnectionError';
}
