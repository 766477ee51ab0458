/** A rendered-format-neutral report: what a renderer lays out, nothing it computes. */
export interface ReportDocument {
  readonly title: string;
  readonly subtitle: string;
  readonly kpis: readonly Kpi[];
  readonly blocks: readonly Block[];
  /** Printed at the foot of every page. */
  readonly footer: string;
}

export interface Kpi {
  readonly label: string;
  /** Formatted, e.g. "€330.00". */
  readonly value: string;
  /** Formatted change vs the previous period, e.g. "+12.50 %"; "n/a" when there was nothing before. */
  readonly change: string;
  /** Sign of the change, for colouring; 0 when none. */
  readonly trend: -1 | 0 | 1;
}

export type Block = ({ kind: 'chart' } & ChartSpec) | ({ kind: 'table' } & TableSpec);

export interface ChartSpec {
  readonly type: 'line' | 'bar' | 'pie';
  readonly title: string;
  /** x-axis labels (line, bar) or slice names (pie). */
  readonly categories: readonly string[];
  readonly series: readonly { name: string; values: readonly number[] }[];
}

export interface TableSpec {
  readonly title: string;
  readonly columns: readonly { label: string; align: 'left' | 'right' }[];
  /** Formatted cells, one array per row. */
  readonly rows: readonly (readonly string[])[];
}
