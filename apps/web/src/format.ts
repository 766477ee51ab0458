// Display formatting for the dashboard: pure functions of a value and a locale, so tests pin the output.

/** Counts (int64 arrive as bigint): grouped digits, e.g. 1,247. */
export function formatCount(n: bigint | number, locale = 'en-US'): string {
  return typeof n === 'bigint'
    ? n.toLocaleString(locale)
    : Math.round(n).toLocaleString(locale, { maximumFractionDigits: 0 });
}

/** Money in a currency; an empty or unknown currency code shows the bare number with 2 decimals. */
export function formatMoney(amount: number, currency: string, locale = 'en-US'): string {
  if (/^[A-Z]{3}$/.test(currency)) {
    try {
      return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount);
    } catch {
      // fall through: a code Intl does not know
    }
  }
  const n = amount.toLocaleString(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return currency === '' ? n : `${n} ${currency}`;
}

/** A percentage already in 0-100 (the contracts' rates), one decimal: 3.2%. */
export function formatPercent(p: number, digits = 1): string {
  if (!Number.isFinite(p)) return '–';
  return `${p.toFixed(digits)}%`;
}

/** A change against the previous period: +12.5%, −3.0%, or "new" when the previous value was 0. */
export function formatChange(p: number | undefined): string {
  if (p === undefined || Number.isNaN(p)) return '–';
  if (!Number.isFinite(p)) return 'new';
  const sign = p > 0 ? '+' : p < 0 ? '−' : '±';
  return `${sign}${Math.abs(p).toFixed(1)}%`;
}

/** A duration in seconds as the largest sensible units: 45 s, 3 min 20 s, 2 h 5 min, 3 d 4 h. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d} d` : `${d} d ${h % 24} h`;
}

/** A metric value by its name: money for revenue and order values, percent for rates, else a count. */
export function formatMetric(metric: string, value: number, currency: string, locale = 'en-US'): string {
  if (metric === 'revenue' || metric === 'average_order_value') return formatMoney(value, currency, locale);
  if (metric.endsWith('_rate')) return formatPercent(value);
  return Number.isInteger(value)
    ? formatCount(value, locale)
    : value.toLocaleString(locale, { maximumFractionDigits: 2 });
}

/** "page_views" → "Page views". */
export function humanize(name: string): string {
  const s = name.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Clock time of an update, e.g. 10:30:05, in the given time zone. */
export function formatClock(d: Date, timeZone?: string, locale = 'en-GB'): string {
  return new Intl.DateTimeFormat(locale, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
    ...(timeZone === undefined ? {} : { timeZone }),
  }).format(d);
}
