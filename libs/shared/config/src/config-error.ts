/** One environment variable that failed its rule. */
export interface ConfigIssue {
  readonly variable: string;
  readonly rule: string;
}

/** Thrown at start-up when the environment is wrong; the message names every bad variable and its rule. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(`invalid configuration:\n${issues.map((i) => `  ${i.variable}: ${i.rule}`).join('\n')}`);
  }
}
