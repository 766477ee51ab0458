import { h } from '../dom.js';

export interface TableColumn {
  readonly label: string;
  readonly format: (v: number) => string;
}

/**
 * A chart's text alternative: its data as a table inside a closed disclosure, built when first opened (a
 * month of hourly buckets is 720 rows; nobody pays for them unless they ask).
 */
export function dataTable(
  caption: string,
  x: { readonly label: string; readonly values: readonly number[]; readonly format: (v: number) => string },
  columns: readonly TableColumn[],
  values: readonly (readonly (number | null)[])[],
): HTMLDetailsElement {
  const details = h('details', { class: 'data-table' }, h('summary', {}, 'Data table'));
  details.addEventListener(
    'toggle',
    () => {
      if (details.querySelector('table') !== null) return;
      details.append(
        h(
          'div',
          { class: 'scroll-x' },
          h(
            'table',
            { class: 'breakdown' },
            h('caption', {}, caption),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'col' }, x.label),
                columns.map((c) => h('th', { scope: 'col' }, c.label)),
              ),
            ),
            h(
              'tbody',
              {},
              x.values.map((xv, i) =>
                h(
                  'tr',
                  {},
                  h('th', { scope: 'row' }, x.format(xv)),
                  columns.map((c, j) => {
                    const v = values[j]?.[i];
                    return h('td', {}, v === null || v === undefined ? '–' : c.format(v));
                  }),
                ),
              ),
            ),
          ),
        ),
      );
    },
    { once: false },
  );
  return details;
}
