import { sankey, sankeyLinkHorizontal, type SankeyGraph } from 'd3-sankey';
import { h } from '../dom.js';
import { humanize } from '../format.js';
import { dataTable } from './data-table.js';

// Journey paths as a Sankey diagram: d3-sankey lays out the nodes (one column per step) and links, the
// SVG is drawn here, and the links' table is the text alternative.

export interface PathNodeIn {
  readonly id: string;
  readonly name: string;
  readonly step: number;
}
export interface PathLinkIn {
  readonly source: string;
  readonly target: string;
  readonly value: bigint | number;
}

interface N extends PathNodeIn {
  readonly column: number;
}
interface L {
  readonly source: string;
  readonly target: string;
  readonly value: number;
}

export interface LaidOutNode {
  readonly id: string;
  readonly name: string;
  readonly step: number;
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;
  /** Users through the node: the larger of what comes in and what goes out. */
  readonly value: number;
}
export interface LaidOutLink {
  readonly source: LaidOutNode;
  readonly target: LaidOutNode;
  readonly value: number;
  /** The SVG path of the link's centre line; drawn with stroke-width `width`. */
  readonly path: string;
  readonly width: number;
}

/**
 * Positions for a paths answer in a `width` × `height` box: one column per step (the node's `step`, so a
 * path anchored at its end stays right-aligned), node heights and link widths proportional to users.
 * Links to unknown nodes and zero links are left out (d3-sankey would throw on them).
 */
export function layoutSankey(
  nodes: readonly PathNodeIn[],
  links: readonly PathLinkIn[],
  width: number,
  height: number,
): { nodes: LaidOutNode[]; links: LaidOutLink[] } {
  const ids = new Set(nodes.map((n) => n.id));
  const used = links
    .map((l) => ({ source: l.source, target: l.target, value: Number(l.value) }))
    .filter((l) => l.value > 0 && ids.has(l.source) && ids.has(l.target));
  const linked = new Set(used.flatMap((l) => [l.source, l.target]));
  const kept = nodes.filter((n) => linked.has(n.id));
  if (kept.length === 0) return { nodes: [], links: [] };
  const first = Math.min(...kept.map((n) => n.step));
  const graph: SankeyGraph<N, L> = sankey<N, L>()
    .nodeId((n) => n.id)
    .nodeAlign((n) => n.column)
    .nodeWidth(14)
    .nodePadding(14)
    .extent([
      [1, 1],
      [width - 1, height - 1],
    ])({
    nodes: kept.map((n) => ({ ...n, column: n.step - first })),
    links: used.map((l) => ({ ...l })),
  });
  const path = sankeyLinkHorizontal<N, L>();
  const out = new Map<string, LaidOutNode>();
  for (const n of graph.nodes) {
    out.set(n.id, {
      id: n.id,
      name: n.name,
      step: n.step,
      x0: n.x0 ?? 0,
      x1: n.x1 ?? 0,
      y0: n.y0 ?? 0,
      y1: n.y1 ?? 0,
      value: n.value ?? 0,
    });
  }
  return {
    nodes: [...out.values()],
    links: graph.links.map((l) => ({
      source: out.get((l.source as N).id)!,
      target: out.get((l.target as N).id)!,
      value: l.value,
      path: path(l) ?? '',
      width: Math.max(1, l.width ?? 1),
    })),
  };
}

const PALETTE = ['#2563eb', '#9333ea', '#059669', '#d97706', '#dc2626', '#0891b2', '#4f46e5', '#65a30d'];
const SVG = 'http://www.w3.org/2000/svg';

function svg(tag: string, attrs: Record<string, string | number>, ...children: (Node | string)[]) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

/** The Sankey SVG in a figure with its caption and a table of the links. */
export function sankeyChart(
  caption: string,
  nodes: readonly PathNodeIn[],
  links: readonly PathLinkIn[],
): HTMLElement {
  const perStep = new Map<number, number>();
  for (const n of nodes) perStep.set(n.step, (perStep.get(n.step) ?? 0) + 1);
  const width = 900;
  /** Room right of the last column for its labels; every label sits right of its node. */
  const labelRoom = 150;
  const height = Math.max(240, Math.max(0, ...perStep.values()) * 56);
  const laid = layoutSankey(nodes, links, width - labelRoom, height);
  const colours = new Map<string, string>();
  const colour = (name: string) => {
    if (!colours.has(name)) colours.set(name, PALETTE[colours.size % PALETTE.length]!);
    return colours.get(name)!;
  };
  const label = (n: LaidOutNode) => humanize(n.name);
  const chart = svg(
    'svg',
    {
      class: 'sankey',
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-label': caption,
      'data-nodes': laid.nodes.length,
      'data-links': laid.links.length,
    },
    svg(
      'g',
      { fill: 'none' },
      ...laid.links.map((l) =>
        svg(
          'path',
          {
            d: l.path,
            stroke: colour(l.source.name),
            'stroke-opacity': 0.35,
            'stroke-width': l.width,
          },
          svg('title', {}, `${label(l.source)} → ${label(l.target)}: ${l.value} users`),
        ),
      ),
    ),
    svg(
      'g',
      {},
      ...laid.nodes.map((n) =>
        svg(
          'rect',
          { x: n.x0, y: n.y0, width: n.x1 - n.x0, height: Math.max(1, n.y1 - n.y0), fill: colour(n.name) },
          svg('title', {}, `Step ${n.step + 1}: ${label(n)}, ${n.value} users`),
        ),
      ),
    ),
    svg(
      'g',
      // A white halo keeps labels readable over the links.
      { 'font-size': 14, fill: '#111827', stroke: '#fff', 'stroke-width': 3, 'paint-order': 'stroke' },
      ...laid.nodes.map((n) =>
        svg(
          'text',
          { x: n.x1 + 6, y: (n.y0 + n.y1) / 2, dy: '0.35em', 'text-anchor': 'start' },
          `${label(n)} (${n.value})`,
        ),
      ),
    ),
  );
  const rows = laid.links.map((l) => ({
    from: `${l.source.step + 1}. ${label(l.source)}`,
    to: `${l.target.step + 1}. ${label(l.target)}`,
    value: l.value,
  }));
  return h(
    'figure',
    { class: 'chart-figure' },
    // Readable on a phone too: below its minimum width the diagram scrolls sideways (keyboard too).
    h(
      'div',
      {
        class: 'sankey-wrap scroll-x',
        tabindex: 0,
        role: 'region',
        'aria-label': `${caption} (scrolls sideways)`,
      },
      chart,
    ),
    h('figcaption', { class: 'muted' }, caption),
    linksTable(caption, rows),
  );
}

function linksTable(caption: string, rows: readonly { from: string; to: string; value: number }[]) {
  // dataTable's x column is numeric (times); the link table labels its rows by index into `rows`.
  return dataTable(
    `${caption}: users from one step to the next`,
    { label: 'From → to', values: rows.map((_, i) => i), format: (i) => `${rows[i]!.from} → ${rows[i]!.to}` },
    [{ label: 'Users', format: (v) => String(v) }],
    [rows.map((r) => r.value)],
  );
}
