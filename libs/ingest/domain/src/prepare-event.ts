import { commerceFromProperties, LIFTED_FIELD_PATHS } from './commerce-from-properties.js';
import { correctTimestamp } from './clock-skew.js';
import { enrich, type GeoLookup } from './enrich.js';
import type { EventInput, PreparedEvent, Violation } from './event.js';
import { validateEvent, type EventRules } from './validate-event.js';

export interface PrepareRules extends EventRules {
  /** Events whose corrected time is older than this are accepted but flagged historical. */
  readonly historicalAfterMs: number;
}

export interface PrepareDeps {
  readonly rules: PrepareRules;
  /** A fresh UUIDv7 for events the client sent without an id. */
  readonly newId: () => string;
  readonly geo?: GeoLookup | undefined;
}

export type Prepared = { kind: 'ok'; event: PreparedEvent } | { kind: 'rejected'; violations: Violation[] };

/**
 * Turns a client's event into one ready to publish, or the list of rules it breaks:
 * commerce lifted from properties when absent, clock skew corrected, validated, enriched, id assigned,
 * raw IP dropped.
 */
export function prepareEvent(input: EventInput, receivedAt: Date, deps: PrepareDeps): Prepared {
  const lifted = input.commerce === undefined ? commerceFromProperties(input.properties) : undefined;
  const event = lifted === undefined ? input : { ...input, commerce: lifted };
  const { timestamp, original } = correctTimestamp(input.timestamp, input.sentAt, receivedAt);
  const violations = validateEvent(event, timestamp, receivedAt, deps.rules);
  if (violations.length > 0) {
    const named = lifted === undefined ? violations : violations.map(renameLifted);
    return { kind: 'rejected', violations: named };
  }
  return {
    kind: 'ok',
    event: {
      ...event,
      eventId: event.eventId === '' ? deps.newId() : event.eventId.toLowerCase(),
      timestamp,
      receivedAt,
      originalTimestamp: original,
      context: { ...event.context, ip: '' },
      enrichment: enrich(event.context, deps.geo),
      historical: receivedAt.getTime() - timestamp.getTime() > deps.rules.historicalAfterMs,
    },
  };
}

const renameLifted = (v: Violation): Violation => {
  const field = LIFTED_FIELD_PATHS[v.field];
  return field === undefined ? v : { ...v, field, description: v.description.replace(v.field, field) };
};
