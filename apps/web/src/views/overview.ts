import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { Event, Overview } from '@broxiva/contracts';
import type { Api } from '../api.js';
import { h, sleep } from '../dom.js';
import { formatClock, formatCount, formatMoney, formatPercent, humanize } from '../format.js';
import { section } from '../panel.js';
import { backoffMs, changedKeys, describeError, pushRecent, type ServiceError } from '../state.js';

interface Tiles {
  activeUsers: string;
  activeSessions: string;
  ordersToday: string;
  revenueToday: string;
  cartValueAvg: string;
  conversionRate: string;
}

const TILE_LABELS: Record<keyof Tiles, string> = {
  activeUsers: 'Active users',
  activeSessions: 'Active sessions',
  ordersToday: 'Orders today',
  revenueToday: 'Revenue today',
  cartValueAvg: 'Average cart value',
  conversionRate: 'Conversion rate',
};

export function tilesOf(o: Overview): Tiles {
  return {
    activeUsers: formatCount(o.activeUsers),
    activeSessions: formatCount(o.activeSessions),
    ordersToday: formatCount(o.ordersToday),
    revenueToday: formatMoney(o.revenueToday, o.currency),
    cartValueAvg: formatMoney(o.cartValueAvg, o.currency),
    conversionRate: formatPercent(o.conversionRate),
  };
}

/**
 * A server stream kept open for as long as the page lives: each message goes to `onMessage`; a break
 * shows the error (naming the realtime service) and reconnects with backoff.
 */
async function keepWatching<T>(
  open: (signal: AbortSignal) => AsyncIterable<T>,
  onMessage: (m: T) => void,
  onState: (
    s: { kind: 'connecting' } | { kind: 'live' } | { kind: 'error'; error: ServiceError; retryMs: number },
  ) => void,
  signal: AbortSignal,
) {
  let attempt = 0;
  while (!signal.aborted) {
    onState({ kind: 'connecting' });
    try {
      for await (const m of open(signal)) {
        attempt = 0;
        onState({ kind: 'live' });
        onMessage(m);
      }
      continue; // the server ended the stream (a restart): open it again at once
    } catch (err) {
      if (signal.aborted) return;
      const retryMs = backoffMs(attempt++);
      onState({ kind: 'error', error: describeError('realtime', err), retryMs });
      await sleep(retryMs, signal);
    }
  }
}

/**
 * Live overview tiles from WatchOverview and a feed of accepted events from WatchEvents. The tiles are a
 * polite live region (a screen reader hears changed numbers when idle); the feed is not announced. A user
 * in the feed opens their journey through `onUser`.
 */
export function overviewView(api: Api, signal: AbortSignal, onUser?: (userId: string) => void): HTMLElement {
  const status = h('p', { class: 'status', 'data-status': 'connecting', role: 'status' }, 'Connecting…');
  const { el, body } = section('overview', 'Live overview', [status]);
  const values = new Map<keyof Tiles, HTMLElement>();
  body.removeAttribute('aria-live');
  const grid = h(
    'div',
    { class: 'tiles', 'aria-live': 'polite', 'aria-label': 'Live numbers' },
    (Object.keys(TILE_LABELS) as (keyof Tiles)[]).map((k) => {
      const v = h('span', { class: 'tile-value', 'data-tile': k }, '–');
      values.set(k, v);
      return h(
        'div',
        { class: 'tile', 'aria-atomic': 'true' },
        h('span', { class: 'tile-label' }, TILE_LABELS[k]),
        ' ',
        v,
      );
    }),
  );
  const feedList = h('ol', { class: 'feed', 'aria-label': 'Latest events' });
  const feedStatus = h('p', { class: 'muted' }, 'Waiting for events…');
  body.append(grid, h('h3', {}, 'Live events'), feedStatus, feedList);
  body.setAttribute('data-state', 'ready');

  let last: Tiles | undefined;
  const setStatus = (kind: string, text: string, alert = false) => {
    status.setAttribute('data-status', kind);
    // Announced when the connection changes, not on every update's clock time.
    if (alert) status.setAttribute('role', 'alert');
    else if (kind === 'live') status.removeAttribute('role');
    else status.setAttribute('role', 'status');
    status.textContent = text;
    el.classList.toggle('stale', kind === 'error');
  };

  void keepWatching(
    (s) => api.realtime.watchOverview({}, { signal: s }),
    (m) => {
      if (m.overview === undefined) return;
      const next = tilesOf(m.overview);
      const changed = new Set(changedKeys(last, next));
      for (const [k, v] of values) {
        v.textContent = next[k];
        if (changed.has(k)) {
          v.classList.remove('flash');
          void v.offsetWidth; // restart the animation
          v.classList.add('flash');
        }
      }
      last = next;
      const at = m.overview.timestamp === undefined ? new Date() : timestampDate(m.overview.timestamp);
      setStatus('live', `Live · updated ${formatClock(at)}`);
    },
    (s) => {
      if (s.kind === 'connecting' && last === undefined)
        setStatus('connecting', 'Connecting to the realtime service…');
      if (s.kind === 'error') {
        setStatus('error', `${s.error.title} — reconnecting in ${Math.round(s.retryMs / 1000)} s`, true);
        status.title = s.error.detail;
      }
    },
    signal,
  );

  let feed: Event[] = [];
  void keepWatching(
    (s) => api.realtime.watchEvents({}, { signal: s }),
    (m) => {
      if (m.event === undefined) return;
      feed = pushRecent(feed, m.event, 12);
      feedStatus.textContent = '';
      feedList.replaceChildren(
        ...feed.map((e) =>
          h(
            'li',
            {},
            h('time', {}, e.timestamp === undefined ? '' : formatClock(timestampDate(e.timestamp))),
            h('span', { class: 'event-type' }, humanize(e.eventType)),
            e.userId !== '' && onUser !== undefined
              ? h(
                  'button',
                  {
                    type: 'button',
                    class: 'link',
                    title: `Show the journey of ${e.userId}`,
                    onclick: () => onUser(e.userId),
                  },
                  e.userId,
                )
              : h('span', { class: 'muted' }, e.userId !== '' ? e.userId : e.anonymousId),
          ),
        ),
      );
    },
    (s) => {
      if (s.kind === 'error') feedStatus.textContent = `Event feed: ${s.error.title} — reconnecting…`;
    },
    signal,
  );
  return el;
}
