export { RollupsMigration } from './migrations/20261201-rollups.js';
export { markDirty, createRollupWorker, type RollupWorker, type RollupWorkerDeps } from './rollup-worker.js';
export {
  createMetricsReader,
  rollupsCanAnswer,
  sourceFor,
  type MetricsSourceTable,
  type MetricsReader,
  type MetricsReaderDeps,
  type MetricResult,
  type MetricRow,
} from './metrics-reader.js';
export {
  DashboardEntity,
  DashboardsMigration,
  dashboardMigrations,
  createDashboardStore,
  type DashboardStore,
  type DashboardFields,
  type StoredDashboard,
} from './dashboard-store.js';
export { EVENT_DIMENSIONS } from './facts-sql.js';
export {
  createQueryCache,
  withQueryCache,
  type CacheResult,
  type MetricsSource,
  type QueryCache,
  type QueryCacheDeps,
  type QueryOptions,
} from './query-cache.js';

import { RollupsMigration } from './migrations/20261201-rollups.js';
import { RollupSketchesMigration } from './migrations/20261203-rollup-sketches.js';
import { RollupSlicesMigration } from './migrations/20261204-rollup-slices.js';

/** The analytics database's rollup migrations; run after the event store's. Need the `hll` extension. */
export const rollupMigrations = [
  { name: 'Migration20261201000000_rollups', class: RollupsMigration },
  { name: 'Migration20261203000000_rollup_sketches', class: RollupSketchesMigration },
  { name: 'Migration20261204000000_rollup_slices', class: RollupSlicesMigration },
];
export { HLL_EXACT_UP_TO, HLL_LOG2M, HLL_STANDARD_ERROR } from './sketch-sql.js';
export {
  exportEvents,
  exportFileName,
  type ExportOptions,
  type ExportResult,
} from './export/export-events.js';
export {
  EXPORT_FORMATS,
  EXPORT_EXTENSIONS,
  isExportFormat,
  type EventSink,
  type ExportFormat,
} from './export/event-sink.js';
export { ROW_GROUP_ROWS } from './export/parquet-sink.js';
