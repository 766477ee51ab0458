/** The input cannot be analysed as asked; `rule` names the requirement (e.g. `min_points`). */
export class InsufficientDataError extends Error {
  override readonly name = 'InsufficientDataError';
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(message);
  }
}
