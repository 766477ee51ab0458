/** One of a user's stored events, as a journey shows it. */
export interface JourneyEvent {
  readonly eventId: string;
  readonly type: string;
  /** Epoch milliseconds. */
  readonly ts: number;
  /** '' when the client sent none. */
  readonly sessionId: string;
  readonly channel: string;
  readonly page: string;
  readonly productId: string;
  readonly orderId: string;
  /** Revenue of a purchase, 0 otherwise. */
  readonly value: number;
}

export interface JourneySession {
  /** The client's session id, or `auto-<n>` for events that came without one. */
  readonly sessionId: string;
  readonly start: number;
  readonly end: number;
  /** The first non-empty channel among the session's events. */
  readonly channel: string;
  readonly events: readonly JourneyEvent[];
}

/**
 * Groups a user's events (sorted by time) into sessions. Client session ids are trusted: two events with
 * ids are in one session exactly when the ids are equal. When either event has no id, a gap of more than
 * `timeoutSeconds` (SESSION_TIMEOUT) starts a new session.
 */
export function sessionize(events: readonly JourneyEvent[], timeoutSeconds: number): JourneySession[] {
  const out: { sessionId: string; events: JourneyEvent[] }[] = [];
  let auto = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const prev = events[i - 1];
    const current = out[out.length - 1];
    const split =
      prev === undefined ||
      current === undefined ||
      (e.sessionId !== '' && prev.sessionId !== ''
        ? e.sessionId !== prev.sessionId
        : e.ts - prev.ts > timeoutSeconds * 1000);
    if (split || current === undefined) {
      out.push({ sessionId: e.sessionId !== '' ? e.sessionId : `auto-${++auto}`, events: [e] });
    } else {
      current.events.push(e);
      if (current.sessionId.startsWith('auto-') && e.sessionId !== '') current.sessionId = e.sessionId;
    }
  }
  return out.map((s) => ({
    sessionId: s.sessionId,
    start: s.events[0]!.ts,
    end: s.events[s.events.length - 1]!.ts,
    channel: s.events.find((e) => e.channel !== '')?.channel ?? '',
    events: s.events,
  }));
}
