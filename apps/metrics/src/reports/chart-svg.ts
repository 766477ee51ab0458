import * as echarts from 'echarts';
import type { ChartSpec } from './report-document.js';

const PALETTE = ['#2f6fde', '#f08c2e', '#2fa36b', '#c94f6d', '#7d5bd1', '#8a8f98', '#d1b33a', '#3ab7c9'];

/** The ECharts option of a chart: static (no animation), sized for a print page, fonts left to the PDF. */
export function chartOption(spec: ChartSpec): echarts.EChartsOption {
  const title = {
    text: spec.title,
    left: 'center',
    top: 4,
    textStyle: { fontSize: 12, fontWeight: 'bold' as const },
  };
  const legend = spec.series.length > 1 || spec.type === 'pie';
  if (spec.type === 'pie') {
    const values = spec.series[0]?.values ?? [];
    return {
      animation: false,
      color: PALETTE,
      title,
      legend: { show: legend, orient: 'vertical', right: 8, top: 'middle', textStyle: { fontSize: 9 } },
      series: [
        {
          type: 'pie',
          radius: ['35%', '65%'],
          center: ['40%', '55%'],
          label: { formatter: '{b}: {d}%', fontSize: 9 },
          data: spec.categories.map((name, i) => ({ name, value: values[i] ?? 0 })),
        },
      ],
    };
  }
  return {
    animation: false,
    color: PALETTE,
    title,
    legend: { show: legend, bottom: 0, textStyle: { fontSize: 9 } },
    grid: { left: 64, right: 16, top: 36, bottom: legend ? 44 : 28 },
    xAxis: { type: 'category', data: [...spec.categories], axisLabel: { fontSize: 8 } },
    yAxis: { type: 'value', axisLabel: { fontSize: 8 } },
    series: spec.series.map((s) =>
      spec.type === 'line'
        ? {
            type: 'line' as const,
            name: s.name,
            data: [...s.values],
            showSymbol: false,
            lineStyle: { width: 1.5 },
          }
        : { type: 'bar' as const, name: s.name, data: [...s.values] },
    ),
  };
}

/** Renders a chart to an SVG string with ECharts' server-side renderer (no DOM, no canvas). */
export function renderChartSvg(spec: ChartSpec, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(chartOption(spec));
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
