/**
 * Hides the password of a connection URL so it can go into logs and error messages. Works on strings that
 * do not parse as URLs too, because a malformed URL is exactly what ends up in an error message.
 */
export function maskUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@');
}

/** The database a `postgresql://` URL names (its path), decoded; throws if the URL names none. */
export function databaseName(url: string): string {
  const name = decodeURIComponent(parseUrl(url).pathname.replace(/^\//, ''));
  if (name === '') throw new Error(`database URL ${maskUrl(url)} names no database`);
  return name;
}

/** The same server and credentials as `url`, but the database `name` (the maintenance database by default). */
export function withDatabase(url: string, name = 'postgres'): string {
  const parsed = parseUrl(url);
  parsed.pathname = `/${encodeURIComponent(name)}`;
  return parsed.toString();
}

/** Quotes an SQL identifier (database, schema or table name) by doubling embedded quotes. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    // URL's own TypeError carries the raw input, password included.
    throw new Error(`invalid database URL ${maskUrl(url)}`);
  }
}
