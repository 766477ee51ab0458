import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** A value of one column in COPY's text format; `null` is SQL NULL. */
export type CopyValue = string | number | boolean | null;

// COPY text format: backslash is the escape character, tab separates columns, newline ends a row.
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One row in COPY's text format (no trailing newline): tab-separated, escaped, `\N` for null. */
export function copyTextRow(values: readonly CopyValue[]): string {
  return values.map(copyTextValue).join('\t');
}

function copyTextValue(value: CopyValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value); // NaN, Infinity, -Infinity are spelled as PostgreSQL reads them
  return value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c] ?? c);
}

/**
 * Streams `rows` into `COPY … FROM STDIN` (`sql`, text or CSV format) and resolves the number of rows the
 * server stored. Each row is one line without its newline; build text-format lines with copyTextRow.
 * Runs on the given client, so it joins the client's transaction if one is open.
 */
export async function copyRows(
  client: pg.ClientBase,
  sql: string,
  rows: Iterable<string> | AsyncIterable<string>,
): Promise<number> {
  const stream = client.query(copyFrom(sql));
  await pipeline(Readable.from(chunks(rows)), stream);
  return stream.rowCount;
}

// Rows are gathered into ~64 KiB writes: one stream chunk per row costs more than the COPY itself.
async function* chunks(rows: Iterable<string> | AsyncIterable<string>): AsyncGenerator<string> {
  let buffer = '';
  for await (const row of rows) {
    buffer += `${row}\n`;
    if (buffer.length >= 65_536) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer !== '') yield buffer;
}
