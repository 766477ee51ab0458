export { BusConnectError, BusUnavailableError, TopologyConflictError } from './bus-error.js';
export { BusHeaders, originalMsgId } from './bus-headers.js';
export { connectBus, type Bus, type BusOptions } from './connect.js';
export { runConsumer, type RunConsumerOptions, type RunningConsumer } from './consume.js';
export type { ConsumerStats } from './handle-batch.js';
export {
  listDeadLetters,
  replayDeadLetters,
  type DeadLetter,
  type ListDeadLettersOptions,
  type ReplayDeadLettersOptions,
  type ReplayReport,
} from './dead-letters.js';
export type { BusLogger } from './logger.js';
export { provision, type ProvisionReport } from './provision.js';
export {
  DEFAULT_PUBLISH_WINDOW,
  publishBatch,
  publishOne,
  type InjectHeaders,
  type OutgoingMessage,
  type PublishOptions,
  type PublishResult,
} from './publish.js';
export { settle, type Outcome, type SettleContext, type Settlement } from './settle.js';
export {
  anomalyAlertSubject,
  BUS_NAMES,
  deadLetterSubject,
  eventSubject,
  topology,
  TOPOLOGY,
  TOPOLOGY_DEFAULTS,
  type ConsumerSpec,
  type StreamSpec,
  type Topology,
  type TopologyOptions,
} from './topology.js';
export type { JsMsg } from '@nats-io/jetstream';
