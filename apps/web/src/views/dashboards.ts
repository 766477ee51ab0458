import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  Granularity,
  WidgetKind,
  type Dashboard,
  type EvaluateDashboardResponse,
  type QueryMetricsResponse,
  type Widget,
} from '@broxiva/contracts';
import type { Api } from '../api.js';
import { timeChart } from '../charts/time-chart.js';
import { openingRange, rangeEnding, RANGE_DAYS, type RangePreset } from '../dashboards.js';
import { h } from '../dom.js';
import { formatChange, formatMetric, formatPercent, humanize } from '../format.js';
import { renderPanel, section } from '../panel.js';
import { breakdown, fillGrid, metricColumns, tsSeconds } from '../series.js';
import { describeError, isCanceled, type PanelState } from '../state.js';

const STEP: Partial<Record<Granularity, number>> = { [Granularity.HOUR]: 3600, [Granularity.DAY]: 86_400 };

interface Opened {
  readonly res: EvaluateDashboardResponse;
  /** The range every widget was evaluated over, or undefined for each widget's own. */
  readonly range: { start: Date; end: Date } | undefined;
}

export type DashboardsView = HTMLElement & {
  /** Lists the dashboards again and, when given, opens one (after a widget was saved to it). */
  refresh(openId?: string): void;
};

/** Saved dashboards: the list (ListDashboards); opening one evaluates and draws its widgets. */
export function dashboardsView(api: Api, currency: () => string): DashboardsView {
  const rangeSelect = h(
    'select',
    { name: 'range' },
    h('option', { value: 'saved' }, 'As saved'),
    (Object.keys(RANGE_DAYS) as RangePreset[]).map((r) => h('option', { value: r }, `Last ${r}`)),
  );
  const controls = h(
    'form',
    { class: 'query', 'aria-label': 'Dashboard range' },
    h('label', {}, 'Range', rangeSelect),
  );
  const { el, body } = section('dashboards', 'Saved dashboards', [controls]);
  const list = h('div', { class: 'dash-list-wrap' });
  const opened = h('div', { class: 'dash-open' });
  body.removeAttribute('aria-live');
  list.setAttribute('aria-live', 'polite');
  opened.setAttribute('aria-live', 'polite');
  body.append(list, opened);
  body.setAttribute('data-state', 'ready');
  let openId: string | undefined;
  let listing: AbortController | undefined;
  let evaluating: AbortController | undefined;

  const load = async (thenOpen?: string) => {
    listing?.abort();
    const abort = (listing = new AbortController());
    const show = (s: PanelState<Dashboard[]>) => renderPanel(list, s, drawList, () => void load(thenOpen));
    show({ kind: 'loading', service: 'metrics' });
    try {
      const res = await api.metrics.listDashboards({ pageSize: 100 }, { signal: abort.signal });
      if (res.dashboards.length === 0) {
        show({
          kind: 'empty',
          message: 'No saved dashboards yet: use “Save as widget” in the metrics explorer.',
        });
      } else show({ kind: 'ready', value: res.dashboards });
      if (thenOpen !== undefined) void open(thenOpen, 'auto');
    } catch (err) {
      if (!isCanceled(err) && !abort.signal.aborted)
        show({ kind: 'error', error: describeError('metrics', err) });
    }
  };

  const drawList = (ds: Dashboard[]): Node =>
    h(
      'ul',
      { class: 'dash-list', 'aria-label': 'Saved dashboards' },
      ds.map((d) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'dash-open-button',
              'data-dashboard': d.id,
              'aria-pressed': String(d.id === openId),
              onclick: () => void open(d.id, 'auto'),
            },
            d.name,
            h(
              'span',
              { class: 'muted' },
              ` · ${d.widgets.length} widget${d.widgets.length === 1 ? '' : 's'}`,
            ),
          ),
        ),
      ),
    );

  /** Opens a dashboard: 'auto' takes the range it was saved with (see openingRange), else the select's. */
  const open = async (id: string, how: 'auto' | 'select') => {
    openId = id;
    for (const b of list.querySelectorAll<HTMLButtonElement>('button[data-dashboard]'))
      b.setAttribute('aria-pressed', String(b.dataset['dashboard'] === id));
    evaluating?.abort();
    const abort = (evaluating = new AbortController());
    const show = (s: PanelState<Opened>) => renderPanel(opened, s, drawOpened, () => void open(id, how));
    show({ kind: 'loading', service: 'metrics' });
    try {
      if (how === 'auto') {
        const d = await api.metrics.getDashboard({ id }, { signal: abort.signal });
        rangeSelect.value = openingRange(d.dashboard?.widgets ?? []);
      }
      const preset = rangeSelect.value as RangePreset | 'saved';
      const range = preset === 'saved' ? undefined : rangeEnding(preset, Granularity.HOUR, Date.now());
      const res = await api.metrics.evaluateDashboard(
        {
          id,
          ...(range === undefined
            ? {}
            : { range: { start: timestampFromDate(range.start), end: timestampFromDate(range.end) } }),
        },
        { signal: abort.signal },
      );
      show({ kind: 'ready', value: { res, range } });
    } catch (err) {
      if (!isCanceled(err) && !abort.signal.aborted)
        show({ kind: 'error', error: describeError('metrics', err) });
    }
  };

  const drawOpened = ({ res, range }: Opened): Node => {
    const d = res.dashboard;
    const results = new Map(res.results.map((r) => [r.widgetId, r.result]));
    return h(
      'article',
      { class: 'dashboard', 'data-dashboard': d?.id ?? '', 'aria-labelledby': 'dash-open-title' },
      h('h3', { id: 'dash-open-title' }, d?.name ?? ''),
      d?.description ? h('p', { class: 'muted' }, d.description) : null,
      (d?.widgets ?? []).length === 0
        ? h('p', { class: 'muted empty' }, 'This dashboard has no widgets yet.')
        : h(
            'div',
            { class: 'widgets' },
            (d?.widgets ?? []).map((w) => widgetCard(w, results.get(w.id), range, currency())),
          ),
    );
  };

  rangeSelect.addEventListener('change', () => {
    if (openId !== undefined) void open(openId, 'select');
  });
  controls.addEventListener('submit', (e) => e.preventDefault());
  void load();
  return Object.assign(el, { refresh: (thenOpen?: string) => void load(thenOpen) });
}

function widgetCard(
  w: Widget,
  r: QueryMetricsResponse | undefined,
  range: { start: Date; end: Date } | undefined,
  currency: string,
): HTMLElement {
  const metric = w.query?.metrics[0] ?? '';
  const fmt = (v: number) => formatMetric(metric, v, currency);
  const card = (content: Node | null) =>
    h(
      'section',
      { class: 'widget', 'data-widget': w.id, 'data-kind': WidgetKind[w.kind] },
      h('h4', {}, w.title),
      content,
    );
  if (r === undefined) return card(h('p', { class: 'muted' }, 'No result for this widget.'));
  const total = r.totals[metric] ?? 0;
  const change = r.changePercent[metric];
  const totalLine = h(
    'p',
    { class: 'total' },
    h('span', { class: 'big', 'data-total': String(total) }, fmt(total)),
    change === undefined
      ? null
      : h('span', { class: 'muted' }, ` ${formatChange(change)} vs previous period`),
  );
  switch (w.kind) {
    case WidgetKind.TIME_SERIES: {
      const step = STEP[w.query?.granularity ?? Granularity.UNSPECIFIED];
      const start = range?.start.getTime() ?? (tsSeconds(w.query?.startDate) ?? 0) * 1000;
      const end = range?.end.getTime() ?? (tsSeconds(w.query?.endDate) ?? 0) * 1000;
      const cols = metricColumns(r.rows, metric);
      return card(
        h(
          'div',
          {},
          totalLine,
          timeChart(
            {
              label: `${w.title}: ${humanize(metric)} over time`,
              lines: [{ label: humanize(metric), stroke: '#2563eb', format: fmt }],
              height: 200,
            },
            step === undefined ? cols : fillGrid(cols, start / 1000, end / 1000, step),
          ),
        ),
      );
    }
    case WidgetKind.BAR:
    case WidgetKind.TABLE: {
      const dim = w.query?.dimensions[0] ?? '';
      const rows = breakdown(r.rows, dim, metric);
      if (rows.length === 0) return card(h('p', { class: 'muted empty' }, 'Nothing recorded in this range.'));
      const max = Math.max(...rows.map((x) => x.value), 0);
      if (w.kind === WidgetKind.BAR) {
        return card(
          h(
            'ol',
            { class: 'funnel bars', 'aria-label': `${humanize(metric)} by ${humanize(dim).toLowerCase()}` },
            rows.map((x) =>
              h(
                'li',
                {},
                h('span', { class: 'step-name' }, x.key),
                h(
                  'span',
                  { class: 'bar-track' },
                  h('span', {
                    class: 'bar',
                    style: `width: ${max === 0 ? 0 : ((100 * x.value) / max).toFixed(2)}%`,
                  }),
                ),
                h('span', { class: 'step-stats' }, `${fmt(x.value)} · ${formatPercent(x.share)}`),
              ),
            ),
          ),
        );
      }
      return card(
        h(
          'table',
          { class: 'breakdown' },
          h('caption', {}, `${humanize(metric)} by ${humanize(dim).toLowerCase()}`),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, humanize(dim)),
              h('th', { scope: 'col' }, humanize(metric)),
              h('th', { scope: 'col' }, 'Share'),
            ),
          ),
          h(
            'tbody',
            {},
            rows.map((x) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, x.key),
                h('td', {}, fmt(x.value)),
                h('td', {}, formatPercent(x.share)),
              ),
            ),
          ),
        ),
      );
    }
    default:
      return card(totalLine);
  }
}
