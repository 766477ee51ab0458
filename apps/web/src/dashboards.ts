// Saved dashboards: turning an explorer view into a widget, and the range a dashboard opens with. Pure
// functions of their inputs (the views do the calls), so tests pin them.
import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Granularity, WidgetKind, type WidgetSchema } from '@broxiva/contracts';
import { humanize } from './format.js';
import type { Ts } from './series.js';

const HOUR = 3_600_000;

/** The explorer's ranges, in days. */
export const RANGE_DAYS = { '24h': 1, '7d': 7, '30d': 30 } as const;
export type RangePreset = keyof typeof RANGE_DAYS;

/** What the metrics explorer shows: enough to save it as a widget. */
export interface ExplorerView {
  readonly metric: string;
  /** Breakdown dimension; '' for none. */
  readonly dimension: string;
  readonly range: RangePreset;
  readonly granularity: Granularity.HOUR | Granularity.DAY;
  readonly timezone: string;
  readonly compare: boolean;
}

export type SavableKind = 'time_series' | 'number' | 'bar' | 'table';

export const KIND_LABELS: Record<SavableKind, string> = {
  time_series: 'Time series',
  number: 'Number',
  bar: 'Bar (by breakdown)',
  table: 'Table (by breakdown)',
};

const KIND: Record<SavableKind, WidgetKind> = {
  time_series: WidgetKind.TIME_SERIES,
  number: WidgetKind.NUMBER,
  bar: WidgetKind.BAR,
  table: WidgetKind.TABLE,
};

/** The explorer's range ending at the next bucket boundary after `now` (as the explorer queries it). */
export function rangeEnding(preset: RangePreset, granularity: Granularity, now: number) {
  const step = granularity === Granularity.DAY ? 24 * HOUR : HOUR;
  const end = Math.ceil(now / step) * step;
  return { start: new Date(end - RANGE_DAYS[preset] * 24 * HOUR), end: new Date(end) };
}

/** A default widget title: "Revenue by device, last 7d". */
export function widgetTitle(v: ExplorerView, kind: SavableKind): string {
  const by = (kind === 'bar' || kind === 'table') && v.dimension !== '' ? ` by ${v.dimension}` : '';
  return `${humanize(v.metric)}${by}, last ${v.range}`;
}

/**
 * The widget for an explorer view, as the metrics service validates it: a time series keeps the
 * granularity, a number takes neither granularity nor dimensions, bar and table are a breakdown (they need
 * the explorer's breakdown dimension). Returns the reason instead when the view cannot be that kind.
 */
export function widgetFromView(
  v: ExplorerView,
  kind: SavableKind,
  title: string,
  id: string,
  now: number,
): { ok: true; widget: MessageInitShape<typeof WidgetSchema> } | { ok: false; reason: string } {
  if ((kind === 'bar' || kind === 'table') && v.dimension === '')
    return { ok: false, reason: `A ${kind} widget needs a breakdown: choose one above.` };
  if (title.trim() === '') return { ok: false, reason: 'Give the widget a title.' };
  const { start, end } = rangeEnding(v.range, v.granularity, now);
  return {
    ok: true,
    widget: {
      id,
      title: title.trim(),
      kind: KIND[kind],
      query: {
        startDate: timestampFromDate(start),
        endDate: timestampFromDate(end),
        metrics: [v.metric],
        dimensions: kind === 'bar' || kind === 'table' ? [v.dimension] : [],
        granularity: kind === 'time_series' ? v.granularity : Granularity.UNSPECIFIED,
        timezone: v.timezone,
        comparePrevious: v.compare,
      },
    },
  };
}

/** A widget id unique within `taken` (the service wants 1-64 of [A-Za-z0-9_-]). */
export function newWidgetId(taken: readonly string[], random: () => string): string {
  for (;;) {
    const id = `w-${random()
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 12)}`;
    if (id.length > 2 && !taken.includes(id)) return id;
  }
}

const seconds = (t: Ts | undefined) => (t === undefined ? 0 : Number(t.seconds));

/**
 * The range a dashboard opens with: when every widget was saved over the same explorer range, that range
 * again, ending now (a "last 7d" widget shows the last 7 days whenever it is opened); otherwise each
 * widget's own saved range ('saved').
 */
export function openingRange(
  widgets: readonly { query?: { startDate?: Ts; endDate?: Ts } | undefined }[],
): RangePreset | 'saved' {
  const spans = new Set(widgets.map((w) => seconds(w.query?.endDate) - seconds(w.query?.startDate)));
  if (spans.size !== 1) return 'saved';
  const [span] = spans;
  const preset = (Object.keys(RANGE_DAYS) as RangePreset[]).find((p) => RANGE_DAYS[p] * 86_400 === span);
  return preset ?? 'saved';
}
