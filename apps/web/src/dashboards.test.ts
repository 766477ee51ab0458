import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Granularity, WidgetKind } from '@broxiva/contracts';
import { describe, expect, it } from 'vitest';
import {
  newWidgetId,
  openingRange,
  rangeEnding,
  widgetFromView,
  widgetTitle,
  type ExplorerView,
} from './dashboards.js';

const NOW = Date.parse('2026-03-10T14:25:00Z');
const view: ExplorerView = {
  metric: 'revenue',
  dimension: 'device',
  range: '7d',
  granularity: Granularity.HOUR,
  timezone: 'Europe/Berlin',
  compare: true,
};

describe('explorer view as a widget', () => {
  it('keeps the granularity for a time series and ends at the next hour, like the explorer', () => {
    const r = widgetFromView(view, 'time_series', ' Revenue hourly ', 'w-1', NOW);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.widget).toMatchObject({
      id: 'w-1',
      title: 'Revenue hourly',
      kind: WidgetKind.TIME_SERIES,
      query: {
        metrics: ['revenue'],
        dimensions: [],
        granularity: Granularity.HOUR,
        timezone: 'Europe/Berlin',
        comparePrevious: true,
        startDate: timestampFromDate(new Date('2026-03-03T15:00:00Z')),
        endDate: timestampFromDate(new Date('2026-03-10T15:00:00Z')),
      },
    });
  });

  it('drops granularity and dimensions for a number, keeps the breakdown for bar and table', () => {
    const n = widgetFromView(view, 'number', 'Revenue', 'w-2', NOW);
    expect(n.ok && n.widget.query).toMatchObject({ dimensions: [], granularity: Granularity.UNSPECIFIED });
    const b = widgetFromView(view, 'bar', 'By device', 'w-3', NOW);
    expect(b.ok && [b.widget.kind, b.widget.query?.dimensions, b.widget.query?.granularity]).toEqual([
      WidgetKind.BAR,
      ['device'],
      Granularity.UNSPECIFIED,
    ]);
  });

  it('refuses a breakdown widget without a breakdown and an empty title, saying why', () => {
    expect(widgetFromView({ ...view, dimension: '' }, 'table', 'x', 'w', NOW)).toEqual({
      ok: false,
      reason: 'A table widget needs a breakdown: choose one above.',
    });
    expect(widgetFromView(view, 'number', '  ', 'w', NOW)).toEqual({
      ok: false,
      reason: 'Give the widget a title.',
    });
  });

  it('titles a widget by metric, breakdown and range', () => {
    expect(widgetTitle(view, 'bar')).toBe('Revenue by device, last 7d');
    expect(widgetTitle({ ...view, metric: 'page_views', range: '24h' }, 'time_series')).toBe(
      'Page views, last 24h',
    );
  });

  it('makes widget ids the service accepts, unique within the dashboard', () => {
    const randoms = ['ab-cd', 'ab-cd', 'zz9'];
    expect(newWidgetId(['w-abcd'], () => randoms.shift() ?? '')).toBe('w-zz9');
    expect(newWidgetId([], () => '123e4567-e89b-12d3-a456-426614174000')).toMatch(/^w-[A-Za-z0-9]{12}$/);
  });
});

describe('the range a dashboard opens with', () => {
  const w = (days: number, gran = Granularity.HOUR) => {
    const { start, end } = rangeEnding(days === 1 ? '24h' : days === 7 ? '7d' : '30d', gran, NOW);
    return { query: { startDate: timestampFromDate(start), endDate: timestampFromDate(end) } };
  };

  it('is the saved preset again when all widgets share one, else each widget’s own', () => {
    expect(openingRange([w(7), w(7, Granularity.DAY)])).toBe('7d');
    expect(openingRange([w(1)])).toBe('24h');
    expect(openingRange([w(1), w(30)])).toBe('saved');
    const odd = {
      query: {
        startDate: timestampFromDate(new Date(NOW - 3 * 86_400_000)),
        endDate: timestampFromDate(new Date(NOW)),
      },
    };
    expect(openingRange([odd])).toBe('saved');
    expect(openingRange([])).toBe('saved');
  });

  it('rounds the end up to the next bucket of the granularity', () => {
    expect(rangeEnding('24h', Granularity.DAY, NOW)).toEqual({
      start: new Date('2026-03-10T00:00:00Z'),
      end: new Date('2026-03-11T00:00:00Z'),
    });
  });
});
