import { JetStreamApiCodes, JetStreamApiError, type JetStreamManager } from '@nats-io/jetstream';
import { TopologyConflictError } from './bus-error.js';
import type { ConsumerSpec, StreamSpec, Topology } from './topology.js';

/** What `provision` did, by resource (`stream EVENTS`, `consumer EVENTS/event-store`). */
export interface ProvisionReport {
  readonly created: string[];
  readonly updated: string[];
  readonly unchanged: string[];
}

// Settings JetStream (2.9) can change on a live stream or consumer, and those it cannot. A difference in the
// first kind is updated; in the second it is a TopologyConflictError, since the only fix is delete + recreate.
const STREAM_EDITABLE = [
  'description',
  'num_replicas',
  'subjects',
  'discard',
  'max_age',
  'max_bytes',
  'duplicate_window',
] as const;
const STREAM_FIXED = ['storage', 'retention'] as const;
const CONSUMER_EDITABLE = ['description', 'ack_wait', 'max_deliver', 'max_ack_pending'] as const;
const CONSUMER_FIXED = ['filter_subject', 'ack_policy', 'deliver_policy', 'replay_policy'] as const;

/**
 * Creates missing streams and consumers and updates drifted settings; never deletes a stream, a consumer or a
 * message. Running it again with the same topology changes nothing. Every app may run it at start-up.
 */
export async function provision(jsm: JetStreamManager, topo: Topology): Promise<ProvisionReport> {
  const report: ProvisionReport = { created: [], updated: [], unchanged: [] };
  for (const spec of Object.values(topo.streams)) {
    report[await provisionStream(jsm, spec)].push(`stream ${spec.name}`);
  }
  for (const spec of Object.values(topo.consumers)) {
    report[await provisionConsumer(jsm, spec)].push(`consumer ${spec.stream}/${spec.config.durable_name}`);
  }
  return report;
}

type Action = keyof ProvisionReport;

async function provisionStream(jsm: JetStreamManager, spec: StreamSpec): Promise<Action> {
  const current = await orNotFound(jsm.streams.info(spec.name), JetStreamApiCodes.StreamNotFound);
  if (!current) {
    await jsm.streams.add({ ...spec, subjects: [...spec.subjects] }).catch(explainStorage(spec));
    return 'created';
  }
  const resource = `stream ${spec.name}`;
  checkFixed(resource, STREAM_FIXED, spec, current.config);
  const changed = STREAM_EDITABLE.filter((k) => !same(spec[k], current.config[k]));
  if (changed.length === 0) return 'unchanged';
  await jsm.streams.update(spec.name, { ...spec, subjects: [...spec.subjects] }).catch(explainStorage(spec));
  return 'updated';
}

// JetStream reserves max_bytes up front and refuses a stream larger than what its file store has left.
const explainStorage = (spec: StreamSpec) => (err: unknown) => {
  if (err instanceof Error && /insufficient storage/i.test(err.message)) {
    const gib = (spec.max_bytes / 1024 ** 3).toFixed(1);
    throw new Error(
      `NATS cannot reserve ${gib} GiB for stream ${spec.name} (insufficient storage resources): lower ` +
        `EVENTS_STREAM_MAX_GIB or give nats-server a larger file store (jetstream.max_file_store)`,
      { cause: err },
    );
  }
  throw err;
};

async function provisionConsumer(jsm: JetStreamManager, spec: ConsumerSpec): Promise<Action> {
  const name = spec.config.durable_name;
  const current = await orNotFound(jsm.consumers.info(spec.stream, name), JetStreamApiCodes.ConsumerNotFound);
  if (!current) {
    await jsm.consumers.add(spec.stream, { ...spec.config });
    return 'created';
  }
  checkFixed(`consumer ${spec.stream}/${name}`, CONSUMER_FIXED, spec.config, current.config);
  const changed = CONSUMER_EDITABLE.filter((k) => !same(spec.config[k], current.config[k]));
  if (changed.length === 0) return 'unchanged';
  const update = Object.fromEntries(CONSUMER_EDITABLE.map((k) => [k, spec.config[k]]));
  await jsm.consumers.update(spec.stream, name, update);
  return 'updated';
}

function checkFixed<K extends string>(
  resource: string,
  keys: readonly K[],
  want: Record<K, unknown>,
  have: Partial<Record<K, unknown>>,
): void {
  const differing = keys.filter((k) => !same(want[k], have[k]));
  if (differing.length > 0) throw new TopologyConflictError(resource, differing);
}

/** Subjects compare as sets: the server may return them in another order. */
function same(want: unknown, have: unknown): boolean {
  if (Array.isArray(want) && Array.isArray(have)) {
    return want.length === have.length && [...want].sort().join('\n') === [...have].sort().join('\n');
  }
  return want === have;
}

async function orNotFound<T>(p: Promise<T>, code: number): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === code) return null;
    throw err;
  }
}
