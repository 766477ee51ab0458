import { Code, ConnectError } from '@connectrpc/connect';
import type { GetUserJourneyResponse } from '@broxiva/contracts';
import type { Api } from '../api.js';
import { h } from '../dom.js';
import { formatClock } from '../format.js';
import { timeline } from '../journey.js';
import { renderPanel, section } from '../panel.js';
import { describeError, isCanceled, type PanelState } from '../state.js';

const dateTime = (seconds: number) => {
  const d = new Date(seconds * 1000);
  return `${d.toLocaleDateString(undefined, { dateStyle: 'medium' })} ${formatClock(d)}`;
};

/** One user's journey: their sessions (newest first) with each touchpoint, and their engagement score. */
export function userJourneyView(
  api: Api,
  currency: () => string,
): HTMLElement & { show(userId: string): void } {
  const input = h('input', {
    name: 'user',
    id: 'journey-user',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    size: 18,
  });
  const form = h(
    'form',
    { class: 'query', 'aria-label': 'User journey query' },
    h('label', { for: 'journey-user' }, 'User ID', input),
    h('button', { type: 'submit' }, 'Show journey'),
  );
  const { el, body } = section('user-journey', 'User journey', [form]);
  let current: AbortController | undefined;
  renderPanel(
    body,
    { kind: 'empty', message: 'Enter a user ID to see their sessions and touchpoints.' },
    () => h('div'),
  );

  const run = async (userId: string) => {
    current?.abort();
    const abort = (current = new AbortController());
    const show = (s: PanelState<GetUserJourneyResponse>) =>
      renderPanel(body, s, draw, () => void run(userId));
    show({ kind: 'loading', service: 'insights' });
    try {
      show({ kind: 'ready', value: await api.insights.getUserJourney({ userId }, { signal: abort.signal }) });
    } catch (err) {
      if (isCanceled(err) || abort.signal.aborted) return;
      if (ConnectError.from(err).code === Code.NotFound)
        show({ kind: 'empty', message: `No events recorded for user “${userId}”.` });
      else show({ kind: 'error', error: describeError('insights', err) });
    }
  };

  const draw = (r: GetUserJourneyResponse): Node => {
    const sessions = timeline(r.sessions, currency());
    const e = r.engagement;
    return h(
      'div',
      {},
      h(
        'p',
        { class: 'total' },
        h('span', { class: 'big' }, e === undefined ? '–' : e.score.toFixed(0)),
        ` engagement score of ${r.userId} (0-100)`,
        e === undefined
          ? null
          : h(
              'span',
              { class: 'muted' },
              ` · recency ${e.recency.toFixed(0)}, frequency ${e.frequency.toFixed(0)}, depth ${e.depth.toFixed(0)}, monetary ${e.monetary.toFixed(0)}`,
            ),
      ),
      h(
        'ol',
        { class: 'timeline', 'aria-label': `Sessions of ${r.userId}, newest first` },
        sessions.map((s) =>
          h(
            'li',
            { class: 'session', 'data-session': s.id },
            h('h3', {}, dateTime(s.start)),
            h('p', { class: 'muted' }, s.heading),
            h(
              'ol',
              { class: 'touchpoints' },
              s.touchpoints.map((t) =>
                h(
                  'li',
                  {},
                  h(
                    'time',
                    { datetime: new Date(t.at * 1000).toISOString() },
                    formatClock(new Date(t.at * 1000)),
                  ),
                  h('span', { class: 'what' }, t.what),
                  h('span', { class: 'muted' }, t.detail),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  };

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const id = input.value.trim();
    if (id !== '') void run(id);
  });
  return Object.assign(el, {
    show(userId: string) {
      input.value = userId;
      void run(userId);
    },
  });
}
