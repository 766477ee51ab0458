import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { CohortMetric, CohortType } from '@broxiva/contracts';
import { describe, expect, it } from 'vitest';
import { cohortHeatmap, contrast, formatCohortValue, heatColour, luminance } from './cohorts.js';

const at = (iso: string) => timestampFromDate(new Date(iso));

describe('cohort heatmap', () => {
  it('draws retention as a triangle of percentages on a fixed 0-100% scale', () => {
    const m = cohortHeatmap(
      {
        cohortType: CohortType.ACQUISITION_DAY,
        metric: CohortMetric.RETENTION,
        cohorts: [
          { cohortStart: at('2026-03-01T00:00:00Z'), breakdownValue: '', size: 4n, values: [1, 0.5, 0.25] },
          { cohortStart: at('2026-03-02T00:00:00Z'), breakdownValue: '', size: 2n, values: [1, 0] },
        ],
      },
      'EUR',
    );
    expect(m.periods).toEqual(['Day 0', 'Day 1', 'Day 2']);
    expect(m.rows.map((r) => [r.label, r.size, r.cells.map((c) => c?.text ?? null)])).toEqual([
      ['1 Mar 2026', 4, ['100%', '50%', '25%']],
      ['2 Mar 2026', 2, ['100%', '0%', null]],
    ]);
    expect(m.rows[0]?.cells[0]).toMatchObject({ background: 'rgb(30, 58, 138)', color: '#fff' });
    expect(m.rows[1]?.cells[1]).toMatchObject({ background: 'rgb(239, 246, 255)', color: '#000' });
    expect(m.legend).toEqual({ low: '0%', high: '100%' });
  });

  it('scales amounts to the largest value, labels months and breakdown values', () => {
    const m = cohortHeatmap(
      {
        cohortType: CohortType.FIRST_PURCHASE_MONTH,
        metric: CohortMetric.REVENUE_PER_USER,
        cohorts: [
          { cohortStart: at('2026-01-01T00:00:00Z'), breakdownValue: 'mobile', size: 3n, values: [40, 10] },
        ],
      },
      'EUR',
    );
    expect(m.periods).toEqual(['Month 0', 'Month 1']);
    expect(m.rows[0]?.label).toBe('Jan 2026 · mobile');
    expect(m.rows[0]?.cells.map((c) => c?.text)).toEqual(['€40.00', '€10.00']);
    expect(m.legend).toEqual({ low: '€0.00', high: '€40.00' });
    expect(m.rows[0]?.cells[1]?.background).toBe(heatColour(0.25).background);
  });

  it('has no columns and a zero scale when there are no cohorts', () => {
    const m = cohortHeatmap(
      { cohortType: CohortType.ACQUISITION_WEEK, metric: CohortMetric.ORDERS, cohorts: [] },
      '',
    );
    expect([m.periods, m.rows, m.legend]).toEqual([[], [], { low: '0', high: '0' }]);
  });

  it('clamps the colour scale and picks the text colour that keeps AA contrast', () => {
    expect(heatColour(-1)).toEqual(heatColour(0));
    expect(heatColour(2)).toEqual(heatColour(1));
    expect(heatColour(Number.NaN)).toEqual(heatColour(0));
    // Every step of the scale keeps WCAG AA contrast (4.5:1) with its text colour.
    for (let i = 0; i <= 100; i++) {
      const { background, color } = heatColour(i / 100);
      const bg = luminance(background.match(/\d+/g)!.map(Number));
      expect(contrast(bg, color === '#fff' ? 1 : 0), background).toBeGreaterThanOrEqual(4.5);
    }
    expect([heatColour(0).color, heatColour(1).color]).toEqual(['#000', '#fff']);
    // WCAG's own figures: white on black is 21:1, #767676 on white 4.54:1.
    expect(contrast(luminance([255, 255, 255]), luminance([0, 0, 0]))).toBe(21);
    expect(contrast(luminance([0x76, 0x76, 0x76]), 1)).toBeCloseTo(4.54, 2);
    expect(formatCohortValue(CohortMetric.ORDERS, 1.5, '')).toBe('1.50');
  });
});
