import { create, fromJson, toJson, type JsonValue } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { DashboardSchema, WidgetKind, WidgetSchema, type Dashboard, type Widget } from '@broxiva/contracts';
import type { DashboardFields, StoredDashboard } from '@broxiva/metrics-data-access';
import { validateDashboard, type WidgetKind as Kind } from '@broxiva/metrics-domain';
import { ValidationError } from '@broxiva/rpc';
import { toQueryInput } from './query-mapping.js';

const KINDS: Readonly<Record<WidgetKind, Kind | undefined>> = {
  [WidgetKind.UNSPECIFIED]: undefined,
  [WidgetKind.NUMBER]: 'number',
  [WidgetKind.TIME_SERIES]: 'time_series',
  [WidgetKind.BAR]: 'bar',
  [WidgetKind.TABLE]: 'table',
};

/** Validates a dashboard from a request and returns what is stored: widgets as their proto JSON. */
export function toDashboardFields(d: Dashboard | undefined): DashboardFields {
  if (d === undefined) {
    throw new ValidationError([{ field: 'dashboard', rule: 'required', description: 'is required' }]);
  }
  const checked = validateDashboard({
    name: d.name,
    description: d.description,
    widgets: d.widgets.map((w) => ({
      id: w.id,
      title: w.title,
      kind: KINDS[w.kind],
      query: w.query === undefined ? undefined : toQueryInput(w.query),
    })),
  });
  if (!checked.ok) throw new ValidationError(checked.violations);
  return {
    name: d.name.trim(),
    description: d.description,
    widgets: d.widgets.map((w) => toJson(WidgetSchema, w)),
  };
}

export function storedWidgets(d: StoredDashboard): Widget[] {
  return d.widgets.map((w) => fromJson(WidgetSchema, w as JsonValue));
}

export function toDashboardMessage(d: StoredDashboard): Dashboard {
  return create(DashboardSchema, {
    id: d.id,
    name: d.name,
    description: d.description,
    widgets: storedWidgets(d),
    createTime: timestampFromDate(d.createdAt),
    updateTime: timestampFromDate(d.updatedAt),
  });
}
