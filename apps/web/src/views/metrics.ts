import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Granularity, type QueryMetricsResponse } from '@broxiva/contracts';
import type { Api } from '../api.js';
import { timeChart } from '../charts/time-chart.js';
import { RANGE_DAYS, type ExplorerView, type RangePreset } from '../dashboards.js';
import { h } from '../dom.js';
import { formatChange, formatMetric, formatPercent, humanize } from '../format.js';
import { renderPanel, section } from '../panel.js';
import { breakdown, fillGrid, isEmptySeries, metricColumns } from '../series.js';
import { describeError, isCanceled, type PanelState } from '../state.js';
import { saveWidgetForm } from './save-widget.js';

/** The metrics catalogue (MetricsService validates; these are the names it accepts). */
export const METRICS = [
  'revenue',
  'orders',
  'sessions',
  'users',
  'new_users',
  'page_views',
  'product_views',
  'add_to_cart',
  'checkout_starts',
  'conversion_rate',
  'average_order_value',
  'cart_abandonment_rate',
  'items_sold',
] as const;
export const DIMENSIONS = [
  '',
  'category',
  'region',
  'country',
  'device',
  'browser',
  'os',
  'channel',
  'utm_source',
];
const HOUR = 3_600_000;

const select = (
  name: string,
  label: string,
  options: readonly (readonly [string, string])[],
  value: string,
) =>
  h(
    'label',
    {},
    label,
    h(
      'select',
      { name },
      options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
    ),
  );

interface Result {
  readonly metric: string;
  /** The range and bucket size in seconds, to draw empty buckets as zero. */
  readonly grid: readonly [number, number, number];
  readonly dimension: string;
  readonly series: QueryMetricsResponse;
  readonly byDimension: QueryMetricsResponse | undefined;
}

/**
 * Metrics explorer: one metric over a range at a granularity, its total against the previous period, a
 * breakdown; the view can be saved as a dashboard widget (`onSaved` gets the dashboard's id).
 */
export function metricsView(
  api: Api,
  currency: () => string,
  onSaved: (dashboardId: string) => void,
): HTMLElement {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const form = h(
    'form',
    { class: 'query', 'aria-label': 'Metric query' },
    select(
      'metric',
      'Metric',
      METRICS.map((m) => [m, humanize(m)] as const),
      'revenue',
    ),
    select(
      'range',
      'Range',
      Object.keys(RANGE_DAYS).map((r) => [r, `Last ${r}`] as const),
      '24h',
    ),
    select(
      'granularity',
      'Granularity',
      [
        ['hour', 'Hour'],
        ['day', 'Day'],
      ],
      'hour',
    ),
    select(
      'dimension',
      'Breakdown',
      DIMENSIONS.map((d) => [d, d === '' ? 'None' : humanize(d)] as const),
      'device',
    ),
    h('label', {}, 'Time zone', h('input', { name: 'timezone', value: zone, size: 16, autocomplete: 'off' })),
    h(
      'label',
      { class: 'check' },
      h('input', { type: 'checkbox', name: 'compare', checked: true }),
      'Compare with previous period',
    ),
  );
  const readView = (): ExplorerView => {
    const f = new FormData(form);
    return {
      metric: String(f.get('metric')),
      dimension: String(f.get('dimension')),
      range: String(f.get('range')) as RangePreset,
      granularity: String(f.get('granularity')) === 'day' ? Granularity.DAY : Granularity.HOUR,
      timezone: String(f.get('timezone')) || 'UTC',
      compare: f.get('compare') !== null,
    };
  };
  const { el, body } = section('metrics', 'Metrics', [form, saveWidgetForm(api, readView, onSaved)]);
  let current: AbortController | undefined;

  const run = async () => {
    current?.abort();
    const abort = (current = new AbortController());
    const v = readView();
    const { metric, dimension, granularity } = v;
    const days = RANGE_DAYS[v.range];
    const step = granularity === Granularity.DAY ? 24 * HOUR : HOUR;
    const end = new Date(Math.ceil(Date.now() / step) * step);
    const start = new Date(end.getTime() - days * 24 * HOUR);
    const base = {
      startDate: timestampFromDate(start),
      endDate: timestampFromDate(end),
      metrics: [metric],
      timezone: v.timezone,
    };
    const show = (s: PanelState<Result>) => renderPanel(body, s, draw, () => void run());
    show({ kind: 'loading', service: 'metrics' });
    try {
      const [series, byDimension] = await Promise.all([
        api.metrics.queryMetrics(
          { ...base, granularity, comparePrevious: v.compare },
          { signal: abort.signal },
        ),
        dimension === ''
          ? Promise.resolve(undefined)
          : api.metrics.queryMetrics({ ...base, dimensions: [dimension] }, { signal: abort.signal }),
      ]);
      const [, ys] = metricColumns(series.rows, metric);
      if (isEmptySeries(ys) && (series.totals[metric] ?? 0) === 0) {
        show({
          kind: 'empty',
          message: `No ${humanize(metric).toLowerCase()} recorded in the last ${v.range} yet.`,
        });
      } else {
        show({
          kind: 'ready',
          value: {
            metric,
            grid: [start.getTime() / 1000, end.getTime() / 1000, step / 1000],
            dimension,
            series,
            byDimension,
          },
        });
      }
    } catch (err) {
      if (!isCanceled(err) && !abort.signal.aborted)
        show({ kind: 'error', error: describeError('metrics', err) });
    }
  };

  const draw = (r: Result): Node => {
    const fmt = (v: number) => formatMetric(r.metric, v, currency());
    const total = r.series.totals[r.metric] ?? 0;
    const prev = r.series.previousTotals[r.metric];
    const change = r.series.changePercent[r.metric];
    const rows = r.byDimension === undefined ? [] : breakdown(r.byDimension.rows, r.dimension, r.metric);
    return h(
      'div',
      { class: 'metrics-result' },
      h(
        'p',
        { class: 'total' },
        h('span', { class: 'big', 'data-total': String(total) }, fmt(total)),
        prev === undefined
          ? null
          : h('span', { class: 'muted' }, ` previous ${fmt(prev)} (${formatChange(change)})`),
      ),
      timeChart(
        {
          label: `${humanize(r.metric)} over time`,
          lines: [{ label: humanize(r.metric), stroke: '#2563eb', format: fmt }],
        },
        fillGrid(metricColumns(r.series.rows, r.metric), ...r.grid),
      ),
      rows.length === 0
        ? null
        : h(
            'table',
            { class: 'breakdown' },
            h('caption', {}, `${humanize(r.metric)} by ${humanize(r.dimension).toLowerCase()}`),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'col' }, humanize(r.dimension)),
                h('th', { scope: 'col' }, humanize(r.metric)),
                h('th', { scope: 'col' }, 'Share'),
              ),
            ),
            h(
              'tbody',
              {},
              rows.map((row) =>
                h(
                  'tr',
                  {},
                  h('td', {}, row.key),
                  h('td', {}, fmt(row.value)),
                  h('td', {}, formatPercent(row.share)),
                ),
              ),
            ),
          ),
    );
  };

  form.addEventListener('change', () => void run());
  form.addEventListener('submit', (e) => (e.preventDefault(), void run()));
  void run();
  return el;
}
