import { nanos } from '@nats-io/transport-node';

// Every stream, subject and consumer of the platform is declared here and nowhere else, as plain data that
// `provision` turns into JetStream config. Apps refer to these names; they never spell a subject themselves.

/** Base names; `topology({ prefix })` derives an isolated copy of all of them. */
export const BUS_NAMES = {
  streams: { events: 'EVENTS', deadLetters: 'DEAD_LETTERS' },
  subjects: {
    events: 'analytics.events',
    deadLetters: 'analytics.dlq',
    anomalyAlerts: 'analytics.alerts.anomaly',
  },
  consumers: { eventStore: 'event-store', realtime: 'realtime' },
} as const;

const GiB = 1024 ** 3;
const HOUR_MS = 3_600_000;

/**
 * Defaults sized for the target load: 30k events/s of ~1 KB is ~2.6 TB/day at peak, but shops peak for hours,
 * not days; 200 GiB holds a day of typical backlog while a consumer is down, and 48 h max_age bounds it.
 * Discard-old means a consumer that stays down longer loses the oldest events rather than ingest stopping.
 */
export const TOPOLOGY_DEFAULTS = {
  dedupWindowMs: 10 * 60_000,
  eventsMaxAgeMs: 48 * HOUR_MS,
  eventsMaxBytes: 200 * GiB,
  deadLettersMaxAgeMs: 14 * 24 * HOUR_MS,
  deadLettersMaxBytes: 1 * GiB,
  ackWaitMs: 30_000,
  /** Copies of each stream in a NATS cluster; 1 on a single server, 3 in production (NATS_STREAM_REPLICAS). */
  replicas: 1,
  maxDeliver: 5,
  maxAckPending: 20_000,
} as const;

export type TopologyOptions = Partial<Record<keyof typeof TOPOLOGY_DEFAULTS, number>> & {
  /** A subject token such as `t3f9a`: prefixes stream and consumer names and every subject. */
  readonly prefix?: string;
};

/** The subset of JetStream's StreamConfig this platform sets; snake_case so it passes straight through. */
export interface StreamSpec {
  readonly name: string;
  readonly description: string;
  readonly subjects: readonly string[];
  readonly storage: 'file';
  readonly retention: 'limits';
  readonly discard: 'old';
  readonly max_age: number; // nanoseconds, as JetStream wants them
  readonly max_bytes: number;
  readonly duplicate_window: number; // nanoseconds
  readonly num_replicas: number;
}

/** A durable pull consumer; `owner` is the app that runs it. */
export interface ConsumerSpec {
  readonly stream: string;
  readonly owner: 'metrics' | 'realtime';
  readonly config: {
    readonly durable_name: string;
    readonly description: string;
    readonly filter_subject: string;
    readonly ack_policy: 'explicit';
    readonly deliver_policy: 'all';
    readonly replay_policy: 'instant';
    readonly ack_wait: number; // nanoseconds
    readonly max_deliver: number;
    readonly max_ack_pending: number;
  };
}

export interface Topology {
  /**
   * Subject roots, without the trailing token. `anomalyAlerts` is plain core NATS (no stream): alerts are
   * live notifications for whoever is watching (Insights' WatchAlerts, Realtime, the gateway); the Insights
   * app de-duplicates them in Redis before publishing, and a watcher that was down reads the anomaly from
   * DetectAnomalies rather than from a replay.
   */
  readonly subjects: {
    readonly events: string;
    readonly deadLetters: string;
    readonly anomalyAlerts: string;
  };
  readonly streams: { readonly events: StreamSpec; readonly deadLetters: StreamSpec };
  readonly consumers: { readonly eventStore: ConsumerSpec; readonly realtime: ConsumerSpec };
}

const TOKEN = /^[A-Za-z0-9_-]+$/;

/** Builds the topology; with no options it is the production one. */
export function topology(options: TopologyOptions = {}): Topology {
  const o = { ...TOPOLOGY_DEFAULTS, ...options };
  const prefix = options.prefix ?? '';
  if (prefix !== '' && !TOKEN.test(prefix)) throw new RangeError(`topology prefix must match ${TOKEN}`);
  const name = (base: string) => (prefix ? `${prefix}_${base}` : base);
  const subject = (base: string) => (prefix ? `${prefix}.${base}` : base);
  const subjects = {
    events: subject(BUS_NAMES.subjects.events),
    deadLetters: subject(BUS_NAMES.subjects.deadLetters),
    anomalyAlerts: subject(BUS_NAMES.subjects.anomalyAlerts),
  };
  const stream = (base: string, description: string, root: string, maxAgeMs: number, maxBytes: number) => ({
    name: name(base),
    description,
    subjects: [`${root}.>`],
    storage: 'file' as const,
    retention: 'limits' as const,
    discard: 'old' as const,
    max_age: nanos(maxAgeMs),
    max_bytes: maxBytes,
    duplicate_window: nanos(Math.min(o.dedupWindowMs, maxAgeMs)),
    num_replicas: o.replicas,
  });
  const streams = {
    events: stream(
      BUS_NAMES.streams.events,
      'Accepted analytics events, one subject per event type',
      subjects.events,
      o.eventsMaxAgeMs,
      o.eventsMaxBytes,
    ),
    deadLetters: stream(
      BUS_NAMES.streams.deadLetters,
      'Events a consumer gave up on, one subject per consumer',
      subjects.deadLetters,
      o.deadLettersMaxAgeMs,
      o.deadLettersMaxBytes,
    ),
  };
  const consumer = (base: string, owner: ConsumerSpec['owner'], description: string): ConsumerSpec => ({
    stream: streams.events.name,
    owner,
    config: {
      durable_name: name(base),
      description,
      filter_subject: `${subjects.events}.>`,
      ack_policy: 'explicit',
      deliver_policy: 'all',
      replay_policy: 'instant',
      ack_wait: nanos(o.ackWaitMs),
      max_deliver: o.maxDeliver,
      max_ack_pending: o.maxAckPending,
    },
  });
  return {
    subjects,
    streams,
    consumers: {
      eventStore: consumer(BUS_NAMES.consumers.eventStore, 'metrics', 'Writes events to PostgreSQL'),
      realtime: consumer(BUS_NAMES.consumers.realtime, 'realtime', 'Feeds live aggregates in Redis'),
    },
  };
}

/** The production topology. */
export const TOPOLOGY: Topology = topology();

function token(kind: string, value: string): string {
  if (!TOKEN.test(value))
    throw new RangeError(`${kind} must be one subject token matching ${TOKEN}: "${value}"`);
  return value;
}

/** `analytics.events.<eventType>`: the subject an accepted event is published on. */
export const eventSubject = (eventType: string, topo: Topology = TOPOLOGY): string =>
  `${topo.subjects.events}.${token('event type', eventType)}`;

/** `analytics.dlq.<consumer>`: where a consumer's dead letters go. */
export const deadLetterSubject = (consumerName: string, topo: Topology = TOPOLOGY): string =>
  `${topo.subjects.deadLetters}.${token('consumer name', consumerName)}`;

/** `analytics.alerts.anomaly.<metric>`: where an anomaly alert on a metric is published (core NATS). */
export const anomalyAlertSubject = (metric: string, topo: Topology = TOPOLOGY): string =>
  `${topo.subjects.anomalyAlerts}.${token('metric name', metric)}`;
