export {
  EVENT_COLUMNS,
  eventToRow,
  rowToEvent,
  USER_KEY_SQL,
  type CellValue,
  type EventColumn,
} from './event-columns.js';
export { createPartitionManager, dayOf, partitionName, type PartitionManager } from './partitions.js';
export {
  createEventWriter,
  type EventWriter,
  type EventWriterDeps,
  type WriteResult,
} from './event-writer.js';
export { createEventReader } from './event-reader.js';
export { EventsMigration } from './migrations/20261128-events.js';
export { UserActivityMigration } from './migrations/20261210-user-activity.js';
export { UserSpansMigration } from './migrations/20261215-user-spans.js';
export {
  ACTIVITY_DIMENSIONS,
  ensureUserActivity,
  forgetUserActivityBefore,
  userActivityZone,
  type ActivityDimension,
} from './user-activity.js';

import { EventsMigration } from './migrations/20261128-events.js';
import { UserActivityMigration } from './migrations/20261210-user-activity.js';
import { UserSpansMigration } from './migrations/20261215-user-spans.js';

/** The event store's migrations, in order, for `runMigrations`. */
export const eventStoreMigrations = [
  { name: 'Migration20261128000000_events', class: EventsMigration },
  { name: 'Migration20261210000000_user_activity', class: UserActivityMigration },
  { name: 'Migration20261215000000_user_spans', class: UserSpansMigration },
];
export {
  streamEvents,
  EVENT_COLUMN_KINDS,
  type ColumnKind,
  type EventStreamOptions,
  type StreamedRow,
} from './event-stream.js';
export {
  streamCopyColumns,
  streamEventColumns,
  type CopyColumnsOptions,
  type EventColumnStreamOptions,
} from './event-column-stream.js';
export {
  createCopyBinaryDecoder,
  type BoolVector,
  type ColumnBatch,
  type ColumnVector,
  type CopyBinaryDecoder,
  type CopyWireType,
  type Float64Vector,
  type TimestampVector,
  type Utf8Vector,
} from './copy-binary.js';
