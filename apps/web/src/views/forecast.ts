import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Granularity, type DetectAnomaliesResponse, type ForecastResponse } from '@broxiva/contracts';
import type { Api } from '../api.js';
import { timeChart } from '../charts/time-chart.js';
import { h } from '../dom.js';
import { formatClock, formatMetric, formatPercent, humanize } from '../format.js';
import { renderPanel, section } from '../panel.js';
import { forecastColumns, isEmptySeries, markerColumn } from '../series.js';
import { describeError, isCanceled, type PanelState } from '../state.js';

const FORECAST_METRICS = ['revenue', 'orders', 'sessions', 'page_views'] as const;

interface Result {
  readonly metric: string;
  readonly forecast: ForecastResponse;
  /** Anomaly detection is optional to the chart: its failure is shown beside it, not instead of it. */
  readonly anomalies: DetectAnomaliesResponse | string;
}

/** History plus forecast with its interval band and backtest accuracy; anomalies marked and explained. */
export function forecastView(api: Api, currency: () => string): HTMLElement {
  const form = h(
    'form',
    { class: 'query', 'aria-label': 'Forecast query' },
    h(
      'label',
      {},
      'Metric',
      h(
        'select',
        { name: 'metric' },
        FORECAST_METRICS.map((m) => h('option', { value: m }, humanize(m))),
      ),
    ),
    h(
      'label',
      {},
      'Granularity',
      h(
        'select',
        { name: 'granularity' },
        h('option', { value: 'day' }, 'Day (next 14 days)'),
        h('option', { value: 'hour' }, 'Hour (next 24 h)'),
      ),
    ),
  );
  const { el, body } = section('forecast', 'Forecast and anomalies', [form]);
  let current: AbortController | undefined;

  const run = async () => {
    current?.abort();
    const abort = (current = new AbortController());
    const f = new FormData(form);
    const metric = String(f.get('metric'));
    const daily = f.get('granularity') === 'day';
    const granularity = daily ? Granularity.DAY : Granularity.HOUR;
    const source = { case: 'metric' as const, value: { metric, filters: [] } };
    const show = (s: PanelState<Result>) => renderPanel(body, s, draw, () => void run());
    show({ kind: 'loading', service: 'insights' });
    try {
      const [forecast, anomalies] = await Promise.all([
        api.insights.forecast(
          { source, granularity, horizon: daily ? 14 : 24, intervalLevel: 0.8 },
          { signal: abort.signal },
        ),
        api.insights
          .detectAnomalies(
            { source, granularity, lookbackHours: daily ? 24 * 28 : 48 },
            { signal: abort.signal },
          )
          .catch((err: unknown) => {
            if (isCanceled(err)) throw err;
            const e = describeError('insights', err);
            return `${e.title}: ${e.detail}`;
          }),
      ]);
      if (forecast.history.length === 0 && forecast.forecast.length === 0) {
        show({
          kind: 'empty',
          message: `No ${humanize(metric).toLowerCase()} history to forecast from yet.`,
        });
      } else {
        show({ kind: 'ready', value: { metric, forecast, anomalies } });
      }
    } catch (err) {
      if (!isCanceled(err) && !abort.signal.aborted)
        show({ kind: 'error', error: describeError('insights', err) });
    }
  };

  const draw = (r: Result): Node => {
    const fmt = (v: number) => formatMetric(r.metric, v, currency());
    const cols = forecastColumns(r.forecast.history, r.forecast.forecast);
    const list = typeof r.anomalies === 'string' ? [] : r.anomalies.anomalies;
    const marks = markerColumn(cols[0], list);
    const level = Math.round((r.forecast.intervalLevel || 0.8) * 100);
    const acc = r.forecast.accuracy;
    return h(
      'div',
      {},
      timeChart(
        {
          label: `${humanize(r.metric)}: history, forecast and ${level}% interval`,
          lines: [
            { label: 'History', stroke: '#2563eb', format: fmt },
            { label: 'Forecast', stroke: '#9333ea', dash: [6, 4], format: fmt },
            { label: `Lower ${level}%`, stroke: '#c4b5fd', hidden: true, format: fmt },
            { label: `Upper ${level}%`, stroke: '#c4b5fd', hidden: true, format: fmt },
            { label: 'Anomaly', stroke: '#dc2626', points: true, format: fmt },
          ],
          band: { series: [4, 3], fill: 'rgba(147, 51, 234, 0.15)' },
        },
        [...cols, marks],
      ),
      h(
        'p',
        { class: 'accuracy' },
        `Model ${r.forecast.model || '–'}`,
        acc === undefined
          ? ' · no backtest'
          : ` · backtest over ${acc.backtestFolds} folds: MASE ${acc.mase.toFixed(2)}, sMAPE ${formatPercent(acc.smape)}, ` +
              `${formatPercent(acc.intervalCoverage * 100, 0)} of actuals inside the ${level}% interval`,
      ),
      isEmptySeries(cols[1] ?? [])
        ? h('p', { class: 'muted' }, 'The history is all zero so far: the forecast is flat.')
        : null,
      typeof r.anomalies === 'string'
        ? h('p', { class: 'error', role: 'alert' }, `Anomalies unavailable — ${r.anomalies}`)
        : list.length === 0
          ? h('p', { class: 'muted' }, `No anomalies (${r.anomalies.method}).`)
          : h(
              'ul',
              { class: 'anomalies' },
              list.map((a) =>
                h(
                  'li',
                  {},
                  h(
                    'time',
                    {},
                    a.time === undefined
                      ? ''
                      : `${timestampDate(a.time).toLocaleDateString()} ${formatClock(timestampDate(a.time))}`,
                  ),
                  ` ${fmt(a.value)} (expected ${fmt(a.expected)}) — ${a.explanation}`,
                  a.contributors.length === 0
                    ? null
                    : h(
                        'span',
                        { class: 'muted' },
                        ` · driven by ${a.contributors.map((c) => `${c.dimension}=${c.value} (${formatPercent(c.share * 100, 0)})`).join(', ')}`,
                      ),
                ),
              ),
            ),
    );
  };

  form.addEventListener('change', () => void run());
  void run();
  return el;
}
