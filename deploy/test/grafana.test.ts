import { describe, expect, it } from 'vitest';
import { exportedMetricNames, read } from './repo.js';

type Target = { expr?: string; rawSql?: string };
type Panel = {
  id: number;
  title: string;
  type: string;
  datasource: { type: string; uid: string };
  targets: Target[];
  gridPos: { x: number; y: number; w: number; h: number };
};
const dashboard = JSON.parse(read('deploy/grafana/broxiva-analytics.json')) as {
  uid: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: string }[] };
};
const panel = (pattern: RegExp) => {
  const found = dashboard.panels.find((p) => pattern.test(p.title));
  if (!found) throw new Error(`no panel ${pattern}`);
  return found;
};

describe('deploy/grafana/broxiva-analytics.json', () => {
  it('asks for its two datasources instead of naming an installation’s', () => {
    expect(dashboard.uid).toBe('broxiva-analytics');
    expect(dashboard.templating.list.map((v) => [v.name, v.type, v.query])).toEqual([
      ['prometheus', 'datasource', 'prometheus'],
      ['postgres', 'datasource', 'grafana-postgresql-datasource'],
    ]);
    for (const p of dashboard.panels) expect(['${prometheus}', '${postgres}']).toContain(p.datasource.uid);
  });

  it('shows the revenue trend from daily_metrics through PostgreSQL', () => {
    const revenue = panel(/^Revenue/);
    expect(revenue.datasource.type).toBe('grafana-postgresql-datasource');
    expect(revenue.targets[0]?.rawSql).toMatch(
      /SELECT day::timestamptz AS "time", revenue[\s\S]*FROM daily_metrics[\s\S]*\$__timeFilter\(day\)/,
    );
  });

  it('shows events/s, lag and query latency from metrics the apps export', () => {
    expect(panel(/^Events accepted per second/).targets[0]?.expr).toContain('rate(analytics_events_total');
    expect(panel(/^Pipeline lag/).targets[0]?.expr).toContain('analytics_pipeline_lag_seconds');
    expect(panel(/^Query latency/).targets.map((t) => t.expr)).toEqual(
      [0.5, 0.95, 0.99].map((q) =>
        expect.stringContaining(
          `histogram_quantile(${q}, sum by (le) (rate(analytics_query_duration_seconds_bucket`,
        ),
      ),
    );
    const exported = exportedMetricNames();
    for (const t of dashboard.panels.flatMap((p) => p.targets)) {
      for (const [name] of (t.expr ?? '').matchAll(/\b(?:analytics|gateway)_[a-z_]+/g)) {
        expect(exported, t.expr).toContain(name.replace(/_bucket$/, ''));
      }
    }
  });

  it('has unique panel ids and no overlapping panels on a 24-column grid', () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const { gridPos: g, title } of dashboard.panels) {
      expect(g.x + g.w, title).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++) {
        for (let y = g.y; y < g.y + g.h; y++) {
          expect(cells.has(`${x},${y}`), title).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });
});
