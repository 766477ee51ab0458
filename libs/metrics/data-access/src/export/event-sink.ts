import type { StreamedRow } from '@broxiva/event-store';

export const EXPORT_FORMATS = ['csv', 'json', 'parquet'] as const;
/** `json` is newline-delimited JSON: one object per event per line. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const isExportFormat = (s: string): s is ExportFormat =>
  (EXPORT_FORMATS as readonly string[]).includes(s);

/** File extension of each format. */
export const EXPORT_EXTENSIONS: Readonly<Record<ExportFormat, string>> = {
  csv: 'csv',
  json: 'ndjson',
  parquet: 'parquet',
};

/**
 * Where exported events go: batches of rows in EVENT_COLUMNS order are written as they come, then `close`
 * finishes the file. A sink keeps at most one batch (Parquet: one row group) in memory.
 */
export interface EventSink {
  write(rows: readonly StreamedRow[]): Promise<void>;
  close(): Promise<void>;
}
