import { maskUrl } from './database-url.js';

/** How PostgreSQL is started on the project's machines (see tools/scripts/services.sh). */
export const START_POSTGRES_HINT = 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';

/**
 * Thrown when the first connection to PostgreSQL fails, typically at start-up. The message names the URL
 * (password masked) and how to start the server, so the fix is one copy-paste away; `cause` keeps the
 * driver's error.
 */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
  readonly url: string;

  constructor(url: string, cause: unknown) {
    super(
      `cannot connect to PostgreSQL at ${maskUrl(url)}: ${describe(cause)}\n` +
        `Is PostgreSQL running? Start it with: ${START_POSTGRES_HINT}`,
      { cause },
    );
    this.url = maskUrl(url);
  }
}

// A refused connection to a name with several addresses (localhost → ::1 and 127.0.0.1) arrives as an
// AggregateError with an empty message; its parts say what happened.
function describe(cause: unknown): string {
  if (cause instanceof AggregateError && cause.message === '') {
    return cause.errors.map(describe).join('; ');
  }
  if (cause instanceof Error) return cause.message || (cause as { code?: string }).code || cause.name;
  return String(cause);
}
