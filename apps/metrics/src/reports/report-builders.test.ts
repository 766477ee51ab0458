import { describe, expect, it } from 'vitest';
import { chartOption } from './chart-svg.js';
import { monthlyJson, salesSummaryDocument, trafficOverviewDocument } from './report-builders.js';
import type { ReportData } from './report-data.js';

const day = (d: number) => new Date(Date.UTC(2025, 10, d) - 3_600_000); // midnight in Europe/Berlin
const data: ReportData = {
  range: { start: day(1), end: day(4) },
  previous: { start: day(1 - 3), end: day(1) },
  timeZone: 'Europe/Berlin',
  currency: 'EUR',
  totals: {
    revenue: 1234.5,
    orders: 10,
    average_order_value: 123.45,
    items_sold: 12,
    conversion_rate: 2.5,
    sessions: 400,
    users: 300,
  },
  previousTotals: { revenue: 1000, orders: 10, sessions: 500 },
  changePercent: { revenue: 23.45, orders: 0, sessions: -20 },
  series: {
    revenue: [1, 2, 3].map((d) => ({ time: day(d), value: d * 100 })),
    orders: [1, 2, 3].map((d) => ({ time: day(d), value: d })),
    sessions: [1, 2, 3].map((d) => ({ time: day(d), value: 100 + d })),
    users: [1, 2, 3].map((d) => ({ time: day(d), value: 50 + d })),
  },
  top: {
    category: [
      { key: 'electronics', value: 1000 },
      { key: 'books', value: 234.5 },
    ],
    region: [],
    device: [{ key: 'mobile', value: 300 }],
  },
};
const at = new Date('2025-12-01T08:00:00Z');

describe('report documents', () => {
  it('builds the sales summary: formatted KPIs with their change, daily charts, top tables', () => {
    const doc = salesSummaryDocument(data, at);
    expect(doc.subtitle).toBe(
      '2025-11-01 – 2025-11-03 (Europe/Berlin), compared with 2025-10-29 – 2025-10-31',
    );
    expect(doc.kpis.slice(0, 2)).toEqual([
      { label: 'Revenue', value: '€1,234.50', change: '+23.45 %', trend: 1 },
      { label: 'Orders', value: '10', change: '0.00 %', trend: 0 },
    ]);
    // No previous value: no change to show.
    expect(doc.kpis.find((k) => k.label === 'Items sold')?.change).toBe('n/a');
    expect(doc.kpis.find((k) => k.label === 'Conversion rate')?.value).toBe('2.50 %');
    const revenueChart = doc.blocks[0];
    expect(revenueChart).toMatchObject({
      kind: 'chart',
      type: 'line',
      categories: ['11-01', '11-02', '11-03'],
      series: [{ name: 'Revenue', values: [100, 200, 300] }],
    });
    const categories = doc.blocks.find((b) => b.kind === 'table' && b.title === 'Top categories by revenue');
    expect(categories).toMatchObject({
      rows: [
        ['electronics', '€1,000.00', '81.0 %'],
        ['books', '€234.50', '19.0 %'],
      ],
    });
    expect(doc.blocks.find((b) => b.title === 'Top regions by revenue')).toMatchObject({
      rows: [['(none)', '', '']],
    });
    expect(doc.blocks.at(-1)).toMatchObject({
      title: 'Day by day',
      rows: [
        ['2025-11-01', '€100.00', '1'],
        ['2025-11-02', '€200.00', '2'],
        ['2025-11-03', '€300.00', '3'],
      ],
    });
    expect(doc.footer).toBe('Broxiva Analytics · generated 2025-12-01 08:00 UTC');
  });

  it('builds the traffic overview with a falling trend', () => {
    const doc = trafficOverviewDocument(data, at);
    expect(doc.kpis[0]).toEqual({ label: 'Sessions', value: '400', change: '-20.00 %', trend: -1 });
    expect(doc.blocks[0]).toMatchObject({
      series: [
        { name: 'Sessions', values: [101, 102, 103] },
        { name: 'Users', values: [51, 52, 53] },
      ],
    });
  });

  it('gives the monthly report as plain numbers by local day', () => {
    const m = monthlyJson(data, '2025-11');
    expect(m.daily[0]).toEqual({ day: '2025-11-01', revenue: 100, orders: 1, sessions: 101, users: 51 });
    expect(m.previousMonth.totals).toEqual(data.previousTotals);
    expect(m.topCategories[0]).toEqual({ key: 'electronics', value: 1000 });
  });

  it('makes static ECharts options: a pie of the slices, axes for series', () => {
    const pie = chartOption({
      type: 'pie',
      title: 'By device',
      categories: ['mobile', 'desktop'],
      series: [{ name: 'x', values: [3, 1] }],
    });
    expect(pie.animation).toBe(false);
    expect((pie.series as { data: unknown }[])[0]?.data).toEqual([
      { name: 'mobile', value: 3 },
      { name: 'desktop', value: 1 },
    ]);
    const bar = chartOption({
      type: 'bar',
      title: 'Orders',
      categories: ['a'],
      series: [{ name: 'Orders', values: [2] }],
    });
    expect(bar.xAxis).toMatchObject({ type: 'category', data: ['a'] });
    expect((bar.series as { type: string }[])[0]?.type).toBe('bar');
  });
});
