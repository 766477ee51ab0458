import type { DimensionName, MetricName } from '@broxiva/metrics-domain';
import type { ReportData, ReportSpec } from './report-data.js';
import type { Block, Kpi, ReportDocument } from './report-document.js';

export const REPORT_TYPES = ['sales_summary', 'traffic_overview'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

/** The numbers each report type needs. */
export const REPORT_SPECS: Readonly<Record<ReportType | 'monthly', ReportSpec>> = {
  sales_summary: {
    metrics: ['revenue', 'orders', 'average_order_value', 'items_sold', 'conversion_rate'],
    series: ['revenue', 'orders'],
    rankBy: 'revenue',
    breakdowns: ['category', 'region'],
  },
  traffic_overview: {
    metrics: [
      'sessions',
      'users',
      'new_users',
      'page_views',
      'product_views',
      'conversion_rate',
      'cart_abandonment_rate',
    ],
    series: ['sessions', 'users'],
    rankBy: 'sessions',
    breakdowns: ['channel', 'device', 'country', 'referrer_domain'],
  },
  monthly: {
    metrics: [
      'revenue',
      'orders',
      'average_order_value',
      'items_sold',
      'conversion_rate',
      'sessions',
      'users',
      'new_users',
      'page_views',
    ],
    series: ['revenue', 'orders', 'sessions', 'users'],
    rankBy: 'revenue',
    breakdowns: ['category', 'region'],
  },
};

const LABELS: Readonly<Record<MetricName, string>> = {
  revenue: 'Revenue',
  orders: 'Orders',
  conversion_rate: 'Conversion rate',
  average_order_value: 'Average order value',
  sessions: 'Sessions',
  users: 'Users',
  new_users: 'New users',
  page_views: 'Page views',
  product_views: 'Product views',
  add_to_cart: 'Add to cart',
  checkout_starts: 'Checkout starts',
  cart_abandonment_rate: 'Cart abandonment rate',
  items_sold: 'Items sold',
};

const DIMENSION_LABELS: Partial<Record<DimensionName, string>> = {
  category: 'Category',
  region: 'Region',
  channel: 'Channel',
  device: 'Device',
  country: 'Country',
  referrer_domain: 'Referrer',
};

const PLURALS: Partial<Record<DimensionName, string>> = {
  category: 'categories',
  region: 'regions',
  channel: 'channels',
  device: 'devices',
  country: 'countries',
  referrer_domain: 'referrers',
};

const MONEY: ReadonlySet<MetricName> = new Set(['revenue', 'average_order_value']);
const PERCENT: ReadonlySet<MetricName> = new Set(['conversion_rate', 'cart_abandonment_rate']);

/** Number formatting of the reports (en-US conventions, the shop's currency). */
export function formatters(currency: string) {
  const money = new Intl.NumberFormat('en-US', { style: 'currency', currency });
  const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
  const metric = (m: MetricName, v: number) =>
    MONEY.has(m) ? money.format(v) : PERCENT.has(m) ? `${v.toFixed(2)} %` : count.format(v);
  const change = (c: number | undefined) =>
    c === undefined ? 'n/a' : `${c > 0 ? '+' : ''}${c.toFixed(2)} %`;
  return { money, count, metric, change };
}

/** A day of the shop's zone as YYYY-MM-DD. */
export function dayLabel(t: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(t);
}

/** "2025-11-01 – 2025-11-30 (Europe/Berlin)": the last day shown is the one before the exclusive end. */
function rangeLabel(start: Date, end: Date, timeZone: string): string {
  return `${dayLabel(start, timeZone)} – ${dayLabel(new Date(end.getTime() - 1), timeZone)} (${timeZone})`;
}

function kpis(d: ReportData, metrics: readonly MetricName[]): Kpi[] {
  const f = formatters(d.currency);
  return metrics.map((m) => {
    const c = d.changePercent[m];
    return {
      label: LABELS[m],
      value: f.metric(m, d.totals[m] ?? 0),
      change: f.change(c),
      trend: c === undefined || c === 0 ? 0 : c > 0 ? 1 : -1,
    };
  });
}

function topTable(d: ReportData, dim: DimensionName, metric: MetricName): Block {
  const f = formatters(d.currency);
  const rows = d.top[dim] ?? [];
  const total = d.totals[metric] ?? 0;
  return {
    kind: 'table',
    title: `Top ${PLURALS[dim] ?? dim} by ${LABELS[metric].toLowerCase()}`,
    columns: [
      { label: DIMENSION_LABELS[dim] ?? dim, align: 'left' },
      { label: LABELS[metric], align: 'right' },
      { label: 'Share', align: 'right' },
    ],
    rows:
      rows.length === 0
        ? [['(none)', '', '']]
        : rows.map((r) => [
            r.key,
            f.metric(metric, r.value),
            total === 0 ? 'n/a' : `${((100 * r.value) / total).toFixed(1)} %`,
          ]),
  };
}

function seriesChart(
  d: ReportData,
  type: 'line' | 'bar',
  title: string,
  metrics: readonly MetricName[],
): Block {
  const first = d.series[metrics[0] as MetricName] ?? [];
  return {
    kind: 'chart',
    type,
    title,
    categories: first.map((p) => dayLabel(p.time, d.timeZone).slice(5)),
    series: metrics.map((m) => ({ name: LABELS[m], values: (d.series[m] ?? []).map((p) => p.value) })),
  };
}

function shareChart(d: ReportData, dim: DimensionName, title: string): Block {
  const rows = d.top[dim] ?? [];
  return {
    kind: 'chart',
    type: 'pie',
    title,
    categories: rows.map((r) => r.key),
    series: [{ name: title, values: rows.map((r) => r.value) }],
  };
}

function dailyTable(d: ReportData, metrics: readonly MetricName[]): Block {
  const f = formatters(d.currency);
  const days = d.series[metrics[0] as MetricName] ?? [];
  return {
    kind: 'table',
    title: 'Day by day',
    columns: [
      { label: 'Day', align: 'left' },
      ...metrics.map((m) => ({ label: LABELS[m], align: 'right' as const })),
    ],
    rows: days.map((p, i) => [
      dayLabel(p.time, d.timeZone),
      ...metrics.map((m) => f.metric(m, d.series[m]?.[i]?.value ?? 0)),
    ]),
  };
}

function comparedWith(d: ReportData): string {
  return `compared with ${rangeLabel(d.previous.start, d.previous.end, d.timeZone).replace(/ \(.*\)$/, '')}`;
}

/** Revenue, orders, basket and conversion with daily charts, and where the revenue came from. */
export function salesSummaryDocument(d: ReportData, generatedAt: Date): ReportDocument {
  return {
    title: 'Sales summary',
    subtitle: `${rangeLabel(d.range.start, d.range.end, d.timeZone)}, ${comparedWith(d)}`,
    kpis: kpis(d, REPORT_SPECS.sales_summary.metrics),
    blocks: [
      seriesChart(d, 'line', 'Revenue per day', ['revenue']),
      seriesChart(d, 'bar', 'Orders per day', ['orders']),
      shareChart(d, 'category', 'Revenue by category'),
      topTable(d, 'category', 'revenue'),
      topTable(d, 'region', 'revenue'),
      dailyTable(d, ['revenue', 'orders']),
    ],
    footer: footer(generatedAt),
  };
}

/** Sessions and users with daily charts, and where the traffic came from. */
export function trafficOverviewDocument(d: ReportData, generatedAt: Date): ReportDocument {
  return {
    title: 'Traffic overview',
    subtitle: `${rangeLabel(d.range.start, d.range.end, d.timeZone)}, ${comparedWith(d)}`,
    kpis: kpis(d, REPORT_SPECS.traffic_overview.metrics),
    blocks: [
      seriesChart(d, 'line', 'Sessions and users per day', ['sessions', 'users']),
      shareChart(d, 'device', 'Sessions by device'),
      topTable(d, 'channel', 'sessions'),
      topTable(d, 'country', 'sessions'),
      topTable(d, 'referrer_domain', 'sessions'),
      dailyTable(d, ['sessions', 'users']),
    ],
    footer: footer(generatedAt),
  };
}

/** The month's main figures against the calendar month before, for the monthly report's PDF. */
export function monthlyDocument(d: ReportData, month: string, generatedAt: Date): ReportDocument {
  return {
    title: `Monthly report ${month}`,
    subtitle: `${rangeLabel(d.range.start, d.range.end, d.timeZone)}, ${comparedWith(d)}`,
    kpis: kpis(d, REPORT_SPECS.monthly.metrics),
    blocks: [
      seriesChart(d, 'line', 'Revenue per day', ['revenue']),
      seriesChart(d, 'line', 'Sessions and users per day', ['sessions', 'users']),
      shareChart(d, 'category', 'Revenue by category'),
      topTable(d, 'category', 'revenue'),
      topTable(d, 'region', 'revenue'),
      dailyTable(d, ['revenue', 'orders', 'sessions', 'users']),
    ],
    footer: footer(generatedAt),
  };
}

/** The monthly report as plain JSON: numbers unformatted, days as YYYY-MM-DD of the shop's zone. */
export function monthlyJson(d: ReportData, month: string) {
  const metrics = REPORT_SPECS.monthly.series;
  const days = d.series[metrics[0] as MetricName] ?? [];
  return {
    month,
    timeZone: d.timeZone,
    currency: d.currency,
    start: d.range.start.toISOString(),
    end: d.range.end.toISOString(),
    totals: d.totals,
    previousMonth: {
      start: d.previous.start.toISOString(),
      end: d.previous.end.toISOString(),
      totals: d.previousTotals,
    },
    changePercent: d.changePercent,
    daily: days.map((p, i) => ({
      day: dayLabel(p.time, d.timeZone),
      ...Object.fromEntries(metrics.map((m) => [m, d.series[m]?.[i]?.value ?? 0])),
    })),
    topCategories: d.top.category ?? [],
    topRegions: d.top.region ?? [],
  };
}

const footer = (at: Date) =>
  `Broxiva Analytics · generated ${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
