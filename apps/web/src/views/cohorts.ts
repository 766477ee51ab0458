import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { CohortMetric, CohortType, type AnalyzeCohortsResponse } from '@broxiva/contracts';
import type { Api } from '../api.js';
import { cohortHeatmap, heatColour, type Heatmap } from '../cohorts.js';
import { h } from '../dom.js';
import { formatCount } from '../format.js';
import { renderPanel, section } from '../panel.js';
import { describeError, isCanceled, type PanelState } from '../state.js';

const DAY = 86_400_000;

/** Cohort kinds offered, with the range each looks back over. */
const TYPES: readonly (readonly [CohortType, string, number])[] = [
  [CohortType.ACQUISITION_DAY, 'First visit, by day (14 days)', 14],
  [CohortType.ACQUISITION_WEEK, 'First visit, by week (12 weeks)', 84],
  [CohortType.ACQUISITION_MONTH, 'First visit, by month (12 months)', 365],
  [CohortType.FIRST_PURCHASE_WEEK, 'First purchase, by week (12 weeks)', 84],
];
const METRICS: readonly (readonly [CohortMetric, string])[] = [
  [CohortMetric.RETENTION, 'Retention (share active)'],
  [CohortMetric.REPEAT_PURCHASE_RATE, 'Repeat purchase rate'],
  [CohortMetric.REVENUE_PER_USER, 'Revenue per user'],
  [CohortMetric.ORDERS, 'Orders'],
];

/** Cohort analysis as a heatmap table: one row per cohort, one cell per period with its value and colour. */
export function cohortsView(api: Api, currency: () => string): HTMLElement {
  const form = h(
    'form',
    { class: 'query', 'aria-label': 'Cohort query' },
    h(
      'label',
      {},
      'Cohorts',
      h(
        'select',
        { name: 'type' },
        TYPES.map(([v, text]) => h('option', { value: String(v) }, text)),
      ),
    ),
    h(
      'label',
      {},
      'Measure',
      h(
        'select',
        { name: 'metric' },
        METRICS.map(([v, text]) => h('option', { value: String(v) }, text)),
      ),
    ),
  );
  const { el, body } = section('cohorts', 'Cohort retention', [form]);
  let current: AbortController | undefined;

  const run = async () => {
    current?.abort();
    const abort = (current = new AbortController());
    const f = new FormData(form);
    const type = Number(f.get('type')) as CohortType;
    const metric = Number(f.get('metric')) as CohortMetric;
    const days = TYPES.find(([t]) => t === type)?.[2] ?? 14;
    const end = new Date(Date.now() + 60_000);
    const show = (s: PanelState<AnalyzeCohortsResponse>) => renderPanel(body, s, draw, () => void run());
    show({ kind: 'loading', service: 'insights' });
    try {
      const res = await api.insights.analyzeCohorts(
        {
          startDate: timestampFromDate(new Date(end.getTime() - days * DAY)),
          endDate: timestampFromDate(end),
          cohortType: type,
          metric,
        },
        { signal: abort.signal },
      );
      if (res.cohorts.length === 0) show({ kind: 'empty', message: 'No cohorts in this range yet.' });
      else show({ kind: 'ready', value: res });
    } catch (err) {
      if (!isCanceled(err) && !abort.signal.aborted)
        show({ kind: 'error', error: describeError('insights', err) });
    }
  };

  const draw = (res: AnalyzeCohortsResponse): Node => {
    const map = cohortHeatmap(res, currency(), Intl.DateTimeFormat().resolvedOptions().timeZone);
    const what = METRICS.find(([m]) => m === res.metric)?.[1] ?? 'Value';
    return h('div', {}, heatTable(map, what), legend(map));
  };

  form.addEventListener('change', () => void run());
  void run();
  return el;
}

function heatTable(map: Heatmap, what: string): HTMLElement {
  return h(
    'div',
    { class: 'scroll-x', tabindex: 0, role: 'region', 'aria-label': 'Cohort table (scrolls sideways)' },
    h(
      'table',
      { class: 'heatmap' },
      h('caption', {}, `${what} by cohort and periods since the cohort started`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Cohort'),
          h('th', { scope: 'col' }, 'Users'),
          map.periods.map((p) => h('th', { scope: 'col' }, p)),
        ),
      ),
      h(
        'tbody',
        {},
        map.rows.map((r) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, r.label),
            h('td', { class: 'size' }, formatCount(r.size)),
            r.cells.map((c) =>
              c === null
                ? h('td', { class: 'na' }, h('span', { class: 'visually-hidden' }, 'not yet'))
                : h(
                    'td',
                    {
                      class: 'cell',
                      'data-value': String(c.value),
                      style: `background: ${c.background}; color: ${c.color}`,
                    },
                    c.text,
                  ),
            ),
          ),
        ),
      ),
    ),
  );
}

function legend(map: Heatmap): HTMLElement {
  const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => heatColour(t).background).join(', ');
  return h(
    'div',
    { class: 'legend' },
    h('span', {}, `${map.legend.low}`),
    h('span', {
      class: 'legend-bar',
      style: `background: linear-gradient(to right, ${stops})`,
      'aria-hidden': 'true',
    }),
    h('span', {}, `${map.legend.high}`),
    h('span', { class: 'muted' }, 'Lighter cells are lower, darker higher; every cell shows its value.'),
  );
}
