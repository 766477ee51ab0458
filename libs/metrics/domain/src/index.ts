export * from './catalogue.js';
export * from './metric-query.js';
export { previousRange, changePercent } from './periods.js';
export {
  bucketStart,
  bucketStarts,
  nextBucket,
  offsetMinutes,
  hasWholeHourOffsets,
  isLocalMidnight,
} from './time-buckets.js';
export * from './dashboard.js';
export { canonicalQuery, queryUtcDays, utcDaysBetween } from './query-identity.js';
