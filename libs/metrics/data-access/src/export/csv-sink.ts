import { EVENT_COLUMN_KINDS, EVENT_COLUMNS } from '@broxiva/event-store';
import { stringify } from 'csv-stringify/sync';
import type { EventSink } from './event-sink.js';
import { fileOutput } from './file-output.js';

const TIMESTAMP = EVENT_COLUMNS.map((c) => EVENT_COLUMN_KINDS[c] === 'timestamp');

/**
 * RFC 4180 CSV with a header row of column names: timestamps in ISO 8601 UTC, booleans `true`/`false`,
 * JSON columns as their JSON text, NULL as an empty field.
 */
export function csvSink(path: string): EventSink {
  const out = fileOutput(path);
  let header = true;
  return {
    async write(rows) {
      const cells = rows.map((r) =>
        r.map((v, i) => (TIMESTAMP[i] === true && typeof v === 'number' ? new Date(v).toISOString() : v)),
      );
      const text = stringify(cells, {
        header,
        columns: header ? [...EVENT_COLUMNS] : undefined,
        cast: { boolean: (b) => (b ? 'true' : 'false') },
      });
      header = false;
      await out.write(text);
    },
    async close() {
      // An empty range still gets its header, so the file says what it would hold.
      if (header) await out.write(stringify([], { header: true, columns: [...EVENT_COLUMNS] }));
      await out.close();
    },
  };
}
