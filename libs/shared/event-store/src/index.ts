export { EVENT_COLUMNS, eventToRow, rowToEvent, type CellValue, type EventColumn } from './event-columns.js';
export { createPartitionManager, dayOf, partitionName, type PartitionManager } from './partitions.js';
export {
  createEventWriter,
  type EventWriter,
  type EventWriterDeps,
  type WriteResult,
} from './event-writer.js';
export { createEventReader } from './event-reader.js';
export { EventsMigration } from './migrations/20261128-events.js';

import { EventsMigration } from './migrations/20261128-events.js';

/** The event store's migrations, in order, for `runMigrations`. */
export const eventStoreMigrations = [{ name: 'Migration20261128000000_events', class: EventsMigration }];
export {
  streamEvents,
  EVENT_COLUMN_KINDS,
  type ColumnKind,
  type EventStreamOptions,
  type StreamedRow,
} from './event-stream.js';
