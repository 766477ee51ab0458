import {
  validateQuery,
  type MetricQuery,
  type MetricQueryInput,
  type Violation,
  type Validated,
} from './metric-query.js';

export const WIDGET_KINDS = ['number', 'time_series', 'bar', 'table'] as const;
export type WidgetKind = (typeof WIDGET_KINDS)[number];

export interface WidgetInput {
  readonly id: string;
  readonly title: string;
  readonly kind: WidgetKind | undefined;
  readonly query: MetricQueryInput | undefined;
}

export interface DashboardInput {
  readonly name: string;
  readonly description: string;
  readonly widgets: readonly WidgetInput[];
}

export interface ValidWidget {
  readonly id: string;
  readonly title: string;
  readonly kind: WidgetKind;
  readonly query: MetricQuery;
}

export const DASHBOARD_LIMITS = { nameLength: 200, descriptionLength: 2000, widgets: 50, titleLength: 200 };
const WIDGET_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Checks a dashboard: a name, at most 50 widgets with unique ids, each a kind and a valid metric query.
 * A number widget shows one figure (no dimensions, no granularity); a time series needs a granularity.
 */
export function validateDashboard(input: DashboardInput): Validated<{ widgets: ValidWidget[] }> {
  const violations: Violation[] = [];
  const bad = (field: string, rule: string, description: string) =>
    violations.push({ field, rule, description });
  const L = DASHBOARD_LIMITS;
  if (input.name.trim() === '') bad('dashboard.name', 'required', 'is required');
  if (input.name.length > L.nameLength)
    bad('dashboard.name', 'max_length', `at most ${L.nameLength} characters`);
  if (input.description.length > L.descriptionLength) {
    bad('dashboard.description', 'max_length', `at most ${L.descriptionLength} characters`);
  }
  if (input.widgets.length > L.widgets) bad('dashboard.widgets', 'max_items', `at most ${L.widgets} widgets`);
  const seen = new Set<string>();
  const widgets: ValidWidget[] = [];
  input.widgets.forEach((w, i) => {
    const at = `dashboard.widgets[${i}].`;
    if (!WIDGET_ID.test(w.id)) bad(`${at}id`, 'pattern', 'must be 1–64 letters, digits, _ or -');
    else if (seen.has(w.id)) bad(`${at}id`, 'unique', `duplicate widget id "${w.id}"`);
    seen.add(w.id);
    if (w.title.trim() === '') bad(`${at}title`, 'required', 'is required');
    if (w.title.length > L.titleLength)
      bad(`${at}title`, 'max_length', `at most ${L.titleLength} characters`);
    if (w.kind === undefined) bad(`${at}kind`, 'required', `is required (${WIDGET_KINDS.join(', ')})`);
    if (w.query === undefined) {
      bad(`${at}query`, 'required', 'is required');
      return;
    }
    const q = validateQuery(w.query, `${at}query.`);
    if (!q.ok) {
      violations.push(...q.violations);
      return;
    }
    if (w.kind === 'number' && (q.value.dimensions.length > 0 || q.value.granularity !== undefined)) {
      bad(`${at}query`, 'number_widget', 'a number widget takes no dimensions and no granularity');
    }
    if (w.kind === 'time_series' && q.value.granularity === undefined) {
      bad(`${at}query.granularity`, 'required', 'a time series widget needs a granularity');
    }
    if (w.kind !== undefined) widgets.push({ id: w.id, title: w.title, kind: w.kind, query: q.value });
  });
  return violations.length > 0 ? { ok: false, violations } : { ok: true, value: { widgets } };
}
