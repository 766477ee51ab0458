import { describe, expect, it } from 'vitest';
import { validateDashboard, type WidgetInput } from './dashboard.js';

const query = {
  start: new Date('2025-11-01T00:00:00Z'),
  end: new Date('2025-11-08T00:00:00Z'),
  metrics: ['revenue'],
  dimensions: [],
  filters: [],
  granularity: undefined,
  timeZone: 'UTC',
  comparePrevious: false,
};
const widget = (over: Partial<WidgetInput> = {}): WidgetInput => ({
  id: 'w1',
  title: 'Revenue',
  kind: 'number',
  query,
  ...over,
});

describe('validateDashboard', () => {
  it('accepts a dashboard of valid widgets', () => {
    const r = validateDashboard({ name: 'Sales', description: '', widgets: [widget()] });
    expect(r.ok && r.value.widgets.map((w) => [w.id, w.kind, w.query.metrics])).toEqual([
      ['w1', 'number', ['revenue']],
    ]);
  });
  it('lists every broken rule with its field path', () => {
    const r = validateDashboard({
      name: ' ',
      description: '',
      widgets: [
        widget(),
        widget({ kind: 'time_series' }),
        widget({ id: 'w2', kind: undefined, query: { ...query, metrics: ['profit'] } }),
        widget({ id: 'w3', query: { ...query, dimensions: ['region'] } }),
      ],
    });
    expect(r.ok || r.violations.map((v) => `${v.field} ${v.rule}`)).toEqual([
      'dashboard.name required',
      'dashboard.widgets[1].id unique',
      'dashboard.widgets[1].query.granularity required',
      'dashboard.widgets[2].kind required',
      'dashboard.widgets[2].query.metrics[0] known_metric',
      'dashboard.widgets[3].query number_widget',
    ]);
  });
});
