export * from './event.js';
export {
  KNOWN_EVENT_TYPES,
  CUSTOM_EVENT_TYPE_PATTERN,
  isKnownEventType,
  type KnownEventType,
} from './event-types.js';
export { validateEvent, type EventRules } from './validate-event.js';
export { correctTimestamp } from './clock-skew.js';
export { commerceFromProperties } from './commerce-from-properties.js';
export {
  enrich,
  domainOf,
  channelOf,
  parseUserAgent,
  createUserAgentParser,
  type GeoLookup,
  type UserAgentInfo,
  type UserAgentParser,
} from './enrich.js';
export { prepareEvent, type PrepareDeps, type PrepareRules, type Prepared } from './prepare-event.js';
export { checkBatch, type BatchLimits } from './batch-limits.js';
