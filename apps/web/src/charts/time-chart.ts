import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from '../dom.js';
import type { Columns } from '../series.js';
import { dataTable } from './data-table.js';

export interface LineSpec {
  readonly label: string;
  readonly stroke: string;
  readonly dash?: number[];
  /** Points only (anomaly markers). */
  readonly points?: boolean;
  /** Kept for the band and the legend, but not drawn as a line. */
  readonly hidden?: boolean;
  readonly format?: (v: number) => string;
}

export interface ChartSpec {
  readonly lines: readonly LineSpec[];
  /** Fill between two series (1-based indexes into `lines` + 1, as uPlot counts: [upper, lower]). */
  readonly band?: { readonly series: [number, number]; readonly fill: string };
  readonly height?: number;
  /** Accessible description of what the chart shows. */
  readonly label: string;
}

const when = (x: number) =>
  new Date(x * 1000).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * A uPlot time chart that fills its container's width and follows resizes, in a figure whose caption
 * names what it shows and whose data table is its text alternative. The chart says how many points it
 * draws (`data-points`), for tests.
 */
export function timeChart(spec: ChartSpec, data: Columns): HTMLElement {
  const el = h('div', { class: 'chart', role: 'img', 'aria-label': spec.label });
  const points = data.slice(1).reduce((n, col) => n + col.filter((v) => v !== null).length, 0);
  el.setAttribute('data-points', String(points));
  const opts: uPlot.Options = {
    width: 600,
    height: spec.height ?? 260,
    series: [
      {},
      ...spec.lines.map((l): uPlot.Series => ({
        label: l.label,
        stroke: l.hidden === true ? 'transparent' : l.stroke,
        width: l.points === true ? 0 : 2,
        ...(l.dash === undefined ? {} : { dash: l.dash }),
        // Points where a line has room for them (uPlot decides), always for markers, never for band edges.
        ...(l.points === true
          ? { points: { show: true, size: 9, fill: l.stroke, stroke: l.stroke } }
          : l.hidden === true
            ? { points: { show: false } }
            : {}),
        spanGaps: false,
        ...(l.format === undefined
          ? {}
          : { value: (_u: uPlot, v: number | null) => (v === null ? '–' : l.format!(v)) }),
      })),
    ],
    ...(spec.band === undefined ? {} : { bands: [{ series: spec.band.series, fill: spec.band.fill }] }),
    axes: [
      {},
      {
        size: 70,
        ...(spec.lines[0]?.format === undefined
          ? {}
          : { values: (_u, vs) => vs.map((v) => spec.lines[0]!.format!(v)) }),
      },
    ],
    scales: { x: { time: true } },
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
  };
  const plot = new uPlot(opts, data as uPlot.AlignedData, el);
  const fit = () => {
    const w = Math.max(280, Math.floor(el.clientWidth));
    if (w !== plot.width) plot.setSize({ width: w, height: opts.height });
  };
  new ResizeObserver(fit).observe(el);
  requestAnimationFrame(fit);
  const shown = spec.lines.map((l, i) => ({ l, col: data[i + 1] ?? [] }));
  return h(
    'figure',
    { class: 'chart-figure' },
    el,
    h('figcaption', { class: 'muted' }, spec.label),
    dataTable(
      spec.label,
      { label: 'Time', values: data[0], format: when },
      shown.map(({ l }) => ({ label: l.label, format: l.format ?? ((v: number) => String(v)) })),
      shown.map(({ col }) => col),
    ),
  );
}
