// Cohort retention heatmap: the service's cohorts as a grid of cells, each with its value as text and a
// colour on a sequential scale (light = low, dark = high), plus the legend's range. Pure, so tests pin it.
import { CohortMetric, CohortType } from '@broxiva/contracts';
import { formatMoney, formatPercent } from './format.js';
import { tsSeconds, type Ts } from './series.js';

export type PeriodUnit = 'day' | 'week' | 'month';

export const COHORT_UNIT: Record<CohortType, PeriodUnit> = {
  [CohortType.UNSPECIFIED]: 'month',
  [CohortType.ACQUISITION_DAY]: 'day',
  [CohortType.ACQUISITION_WEEK]: 'week',
  [CohortType.ACQUISITION_MONTH]: 'month',
  [CohortType.FIRST_PURCHASE_DAY]: 'day',
  [CohortType.FIRST_PURCHASE_WEEK]: 'week',
  [CohortType.FIRST_PURCHASE_MONTH]: 'month',
};

/** Shares (0-1) are drawn on a fixed 0-100% scale; amounts on 0 to the largest value shown. */
const isShare = (m: CohortMetric) =>
  m === CohortMetric.RETENTION || m === CohortMetric.REPEAT_PURCHASE_RATE || m === CohortMetric.UNSPECIFIED;

export function formatCohortValue(metric: CohortMetric, v: number, currency: string): string {
  if (isShare(metric)) return formatPercent(v * 100, 0);
  if (metric === CohortMetric.REVENUE_PER_USER) return formatMoney(v, currency);
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

// Light to dark blue (Tailwind blue-50 … blue-900).
const LOW = [239, 246, 255] as const;
const HIGH = [30, 58, 138] as const;

/** WCAG 2 relative luminance of an sRGB colour (0-255 channels). */
export function luminance(rgb: readonly number[]): number {
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** WCAG 2 contrast ratio of two luminances (1-21). */
export const contrast = (a: number, b: number) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);

/**
 * The cell colour for `t` in 0-1 (clamped), and the text colour (black or white, whichever contrasts
 * more): with those two the worse case is 4.58:1, above WCAG AA's 4.5:1 anywhere on the scale.
 */
export function heatColour(t: number): { background: string; color: string } {
  const k = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  const rgb = LOW.map((lo, i) => Math.round(lo + (HIGH[i]! - lo) * k));
  const l = luminance(rgb);
  return { background: `rgb(${rgb.join(', ')})`, color: contrast(l, 1) > contrast(l, 0) ? '#fff' : '#000' };
}

export interface HeatCell {
  readonly value: number;
  readonly text: string;
  readonly background: string;
  readonly color: string;
}

export interface HeatRow {
  readonly label: string;
  readonly size: number;
  /** One per period up to the widest cohort; null where the period has not happened yet. */
  readonly cells: readonly (HeatCell | null)[];
}

export interface Heatmap {
  readonly periods: readonly string[];
  readonly rows: readonly HeatRow[];
  /** The scale's ends, formatted, for the legend. */
  readonly legend: { readonly low: string; readonly high: string };
}

const dateLabel = (t: Ts | undefined, unit: PeriodUnit, timeZone: string) => {
  const s = tsSeconds(t);
  if (s === undefined) return '–';
  const d = new Date(s * 1000);
  return unit === 'month'
    ? d.toLocaleDateString('en-GB', { month: 'short', year: 'numeric', timeZone })
    : d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone });
};

const PERIOD_NAME: Record<PeriodUnit, string> = { day: 'Day', week: 'Week', month: 'Month' };

/** The heatmap of an AnalyzeCohorts answer; cohorts are labelled in `timeZone` (UTC by default). */
export function cohortHeatmap(
  res: {
    cohortType: CohortType;
    metric: CohortMetric;
    cohorts: readonly { cohortStart?: Ts; breakdownValue: string; size: bigint; values: readonly number[] }[];
  },
  currency: string,
  timeZone = 'UTC',
): Heatmap {
  const unit = COHORT_UNIT[res.cohortType];
  const width = Math.max(0, ...res.cohorts.map((c) => c.values.length));
  const max = isShare(res.metric) ? 1 : Math.max(0, ...res.cohorts.flatMap((c) => c.values));
  const cell = (v: number): HeatCell => ({
    value: v,
    text: formatCohortValue(res.metric, v, currency),
    ...heatColour(max === 0 ? 0 : v / max),
  });
  return {
    periods: Array.from({ length: width }, (_, k) => `${PERIOD_NAME[unit]} ${k}`),
    rows: res.cohorts.map((c) => ({
      label:
        dateLabel(c.cohortStart, unit, timeZone) + (c.breakdownValue === '' ? '' : ` · ${c.breakdownValue}`),
      size: Number(c.size),
      cells: Array.from({ length: width }, (_, k) => (k < c.values.length ? cell(c.values[k]!) : null)),
    })),
    legend: {
      low: formatCohortValue(res.metric, 0, currency),
      high: formatCohortValue(res.metric, max, currency),
    },
  };
}
