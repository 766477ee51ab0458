import type { JetStreamClient } from '@nats-io/jetstream';
import { headers as createHeaders, type MsgHdrs } from '@nats-io/transport-node';

export interface OutgoingMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  /** Idempotency key: JetStream drops a second publish with the same id inside the stream's dedup window. */
  readonly msgID: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Lets another lib add headers (W3C `traceparent`…) without this lib knowing about OpenTelemetry. */
export type InjectHeaders = (set: (key: string, value: string) => void) => void;

export interface PublishOptions {
  /** Publishes awaiting their PubAck at once; default 512. */
  readonly window?: number;
  /** Called once per call; its headers go on every message (a message's own headers win). */
  readonly inject?: InjectHeaders;
  /** How long to wait for each PubAck; default the JetStream client's timeout. */
  readonly timeoutMs?: number;
}

/** `duplicate`: JetStream already held this msgID, so nothing new was stored; `seq` is the original's. */
export type PublishResult =
  | { readonly ok: true; readonly seq: number; readonly duplicate: boolean }
  | { readonly ok: false; readonly error: Error };

export const DEFAULT_PUBLISH_WINDOW = 512;

/**
 * Publishes every message and reports, in input order, whether JetStream stored it. Publishes are pipelined:
 * `window` lanes each issue a publish and wait for its PubAck, so round trips overlap (awaiting one by one is
 * ~4x slower here) while memory and server load stay bounded. A message counts as accepted only on its PubAck.
 */
export async function publishBatch(
  js: JetStreamClient,
  messages: readonly OutgoingMessage[],
  options: PublishOptions = {},
): Promise<PublishResult[]> {
  const common = injected(options.inject);
  const results = new Array<PublishResult>(messages.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < messages.length; i = next++) {
      results[i] = await send(js, messages[i]!, common, options.timeoutMs);
    }
  };
  const lanes = Math.max(1, Math.min(options.window ?? DEFAULT_PUBLISH_WINDOW, messages.length));
  await Promise.all(Array.from({ length: lanes }, () => lane()));
  return results;
}

/** One message, same contract as `publishBatch`. */
export function publishOne(
  js: JetStreamClient,
  message: OutgoingMessage,
  options: Omit<PublishOptions, 'window'> = {},
): Promise<PublishResult> {
  return send(js, message, injected(options.inject), options.timeoutMs);
}

function injected(inject: InjectHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  inject?.((key, value) => {
    out[key] = value;
  });
  return out;
}

async function send(
  js: JetStreamClient,
  message: OutgoingMessage,
  common: Readonly<Record<string, string>>,
  timeout: number | undefined,
): Promise<PublishResult> {
  try {
    // An empty msgID would silently turn deduplication off for this message.
    if (message.msgID === '') throw new RangeError(`publish to ${message.subject}: msgID is required`);
    const pa = await js.publish(message.subject, message.data, {
      msgID: message.msgID,
      headers: toHeaders({ ...common, ...message.headers }),
      ...(timeout === undefined ? {} : { timeout }),
    });
    return { ok: true, seq: pa.seq, duplicate: pa.duplicate };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err : new Error(String(err)) };
  }
}

function toHeaders(record: Readonly<Record<string, string>>): MsgHdrs | undefined {
  const entries = Object.entries(record);
  if (entries.length === 0) return undefined;
  const h = createHeaders();
  for (const [k, v] of entries) h.set(k, v);
  return h;
}
