/**
 * The logging this lib needs, typed structurally so a pino logger (or `console`-like object) fits without this
 * lib depending on the telemetry lib.
 */
export interface BusLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Used when the caller passes no logger: the bus stays silent rather than writing to stdout on its own. */
export const silentLogger: BusLogger = { info: () => {}, warn: () => {}, error: () => {} };
