/** One rule a request field broke, as reported to the client. */
export interface FieldViolation {
  /** Path of the field in the request message, e.g. `events[3].occurred_at`. */
  readonly field: string;
  /** Short name of the rule, e.g. `required`, `max_length`. */
  readonly rule: string;
  /** Human-readable reason, safe to show to the caller. */
  readonly description: string;
}

/** The request is malformed; maps to InvalidArgument with every violation in the message. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(
    readonly violations: readonly FieldViolation[],
    options?: ErrorOptions,
  ) {
    super(`invalid request: ${violations.map((v) => `${v.field}: ${v.description}`).join('; ')}`, options);
  }
}

/** The addressed resource does not exist; maps to NotFound with this message. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** The service sheds load (queue full, too many concurrent queries); maps to ResourceExhausted. */
export class OverloadError extends Error {
  override readonly name = 'OverloadError';
}
