import { EVENT_COLUMN_KINDS, EVENT_COLUMNS } from '@broxiva/event-store';
import type { EventSink } from './event-sink.js';
import { fileOutput } from './file-output.js';

const KEYS = EVENT_COLUMNS.map((c, i) => `${i === 0 ? '{' : ','}${JSON.stringify(c)}:`);
const KINDS = EVENT_COLUMNS.map((c) => EVENT_COLUMN_KINDS[c]);

/**
 * Newline-delimited JSON, one object per event with every column: timestamps as ISO 8601 UTC strings,
 * JSON columns as nested JSON (their stored text, which PostgreSQL wrote as valid JSON), NULL as null.
 */
export function ndjsonSink(path: string): EventSink {
  const out = fileOutput(path);
  return {
    async write(rows) {
      let text = '';
      for (const r of rows) {
        for (let i = 0; i < r.length; i++) {
          const v = r[i] ?? null;
          const kind = KINDS[i];
          const value =
            v === null
              ? 'null'
              : kind === 'json'
                ? String(v)
                : kind === 'timestamp'
                  ? `"${new Date(v as number).toISOString()}"`
                  : JSON.stringify(v);
          text += `${KEYS[i]}${value}`;
        }
        text += '}\n';
      }
      await out.write(text);
    },
    close: () => out.close(),
  };
}
