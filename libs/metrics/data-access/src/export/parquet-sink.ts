import { EVENT_COLUMN_KINDS, EVENT_COLUMNS, type ColumnKind, type StreamedRow } from '@broxiva/event-store';
import { fileWriter, ParquetWriter, schemaFromColumnData, type BasicType } from 'hyparquet-writer';
import type { EventSink } from './event-sink.js';

/** Rows per Parquet row group: the most the sink holds in memory at once. */
export const ROW_GROUP_ROWS = 65_536;

const TYPES: Readonly<Record<ColumnKind, BasicType>> = {
  string: 'STRING',
  // Properties and line items are kept as their JSON text, in a UTF-8 string column.
  json: 'STRING',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
};
const COLUMNS = EVENT_COLUMNS.map((name) => ({ name, type: TYPES[EVENT_COLUMN_KINDS[name]] }));
// Min/max statistics cost a comparison per value (a third of the write time on strings): kept where they
// let readers skip row groups, on the event time.
const WITH_STATISTICS = new Set<string>(['ts']);
// Unique per event: a dictionary would never pay, so skip trying one.
const PLAIN = new Set<string>(['event_id', 'received_at']);

/**
 * Parquet with one typed, nullable column per stored column (timestamps as TIMESTAMP_MILLIS, money as
 * DOUBLE, booleans, strings; properties and items as JSON text), Snappy-compressed, written one row group
 * of ROW_GROUP_ROWS rows at a time.
 */
export function parquetSink(path: string, rowGroupRows = ROW_GROUP_ROWS): EventSink {
  const writer = fileWriter(path);
  const schema = schemaFromColumnData({ columnData: COLUMNS.map((c) => ({ ...c, data: [] })) });
  const pq = new ParquetWriter({ writer, schema, statistics: false, createdBy: 'broxiva-analytics export' });
  let columns: unknown[][] = COLUMNS.map(() => []);
  let buffered = 0;

  async function flush(): Promise<void> {
    if (buffered === 0) return;
    const columnData = COLUMNS.map((c, i) => ({
      name: c.name,
      data: columns[i] as unknown[],
      statistics: WITH_STATISTICS.has(c.name),
      ...(PLAIN.has(c.name) ? { encoding: 'PLAIN' as const } : {}),
    }));
    await pq.write({ columnData, rowGroupSize: buffered });
    columns = COLUMNS.map(() => []);
    buffered = 0;
  }

  return {
    async write(rows: readonly StreamedRow[]) {
      for (const r of rows) {
        for (let i = 0; i < COLUMNS.length; i++) (columns[i] as unknown[]).push(r[i] ?? null);
        if (++buffered === rowGroupRows) await flush();
      }
    },
    async close() {
      await flush();
      await pq.finish();
    },
  };
}
