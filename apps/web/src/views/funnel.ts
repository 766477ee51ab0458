import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { AnalyzeFunnelResponse } from '@broxiva/contracts';
import type { Api } from '../api.js';
import { h } from '../dom.js';
import { formatCount, formatDuration, formatPercent, humanize } from '../format.js';
import { renderPanel, section } from '../panel.js';
import { funnelBars } from '../series.js';
import { describeError, isCanceled, type PanelState } from '../state.js';

/** The shop funnel the realtime conversions use too. */
export const SHOP_FUNNEL = [
  'page_view',
  'product_view',
  'add_to_cart',
  'checkout_start',
  'purchase',
] as const;
const DAY = 86_400_000;

/** Funnel bars: sessions per step, conversion from the first step, drop-off from the previous, time to convert. */
export function funnelView(api: Api): HTMLElement {
  const form = h(
    'form',
    { class: 'query', 'aria-label': 'Funnel query' },
    h(
      'label',
      {},
      'Range',
      h(
        'select',
        { name: 'days' },
        h('option', { value: '1' }, 'Last 24h'),
        h('option', { value: '7', selected: true }, 'Last 7d'),
        h('option', { value: '30' }, 'Last 30d'),
      ),
    ),
  );
  const { el, body } = section('funnel', 'Purchase funnel', [form]);
  let current: AbortController | undefined;

  const run = async () => {
    current?.abort();
    const abort = (current = new AbortController());
    const days = Number(new FormData(form).get('days'));
    const end = new Date(Date.now() + 60_000);
    const show = (s: PanelState<AnalyzeFunnelResponse>) => renderPanel(body, s, draw, () => void run());
    show({ kind: 'loading', service: 'insights' });
    try {
      const res = await api.insights.analyzeFunnel(
        {
          funnelName: 'purchase',
          steps: SHOP_FUNNEL.map((eventType) => ({ name: eventType, eventType })),
          startDate: timestampFromDate(new Date(end.getTime() - days * DAY)),
          endDate: timestampFromDate(end),
        },
        { signal: abort.signal },
      );
      if (res.steps.length === 0 || res.steps[0]?.count === 0n) {
        show({ kind: 'empty', message: 'No sessions entered the funnel in this range yet.' });
      } else {
        show({ kind: 'ready', value: res });
      }
    } catch (err) {
      if (!isCanceled(err) && !abort.signal.aborted)
        show({ kind: 'error', error: describeError('insights', err) });
    }
  };

  const draw = (r: AnalyzeFunnelResponse): Node =>
    h(
      'div',
      {},
      h(
        'p',
        { class: 'total' },
        h('span', { class: 'big' }, formatPercent(r.overallConversionRate)),
        ' overall conversion',
      ),
      h(
        'ol',
        { class: 'funnel', 'aria-label': 'Funnel steps' },
        funnelBars(r.steps).map((b, i) =>
          h(
            'li',
            { 'data-count': b.count },
            h('span', { class: 'step-name' }, humanize(b.name)),
            h(
              'span',
              { class: 'bar-track' },
              h('span', { class: 'bar', style: `width: ${b.width.toFixed(2)}%` }),
            ),
            h(
              'span',
              { class: 'step-stats' },
              `${formatCount(b.count)} · ${formatPercent(b.conversionRate)}`,
              i === 0
                ? ''
                : ` · −${formatPercent(b.dropOffRate)} drop-off · median ${formatDuration(b.medianSeconds)}`,
            ),
          ),
        ),
      ),
    );

  form.addEventListener('change', () => void run());
  void run();
  return el;
}
