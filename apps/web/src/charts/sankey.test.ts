import { describe, expect, it } from 'vitest';
import { layoutSankey } from './sankey.js';

const nodes = [
  { id: '0:page_view', name: 'page_view', step: 0 },
  { id: '1:product_view', name: 'product_view', step: 1 },
  { id: '1:search', name: 'search', step: 1 },
  { id: '2:purchase', name: 'purchase', step: 2 },
  { id: '3:lonely', name: 'lonely', step: 3 },
];
const links = [
  { source: '0:page_view', target: '1:product_view', value: 3n },
  { source: '0:page_view', target: '1:search', value: 1n },
  { source: '1:product_view', target: '2:purchase', value: 2n },
  { source: '1:search', target: '9:unknown', value: 5n },
  { source: '1:search', target: '2:purchase', value: 0n },
];

describe('sankey layout', () => {
  it('puts each step in its own column and sizes nodes and links by users', () => {
    const { nodes: ns, links: ls } = layoutSankey(nodes, links, 600, 300);
    const byId = new Map(ns.map((n) => [n.id, n]));
    // The node linked to nothing and the links to unknown nodes or of zero users are left out.
    expect([...byId.keys()].sort()).toEqual(['0:page_view', '1:product_view', '1:search', '2:purchase']);
    expect(ls.map((l) => [l.source.id, l.target.id, l.value])).toEqual([
      ['0:page_view', '1:product_view', 3],
      ['0:page_view', '1:search', 1],
      ['1:product_view', '2:purchase', 2],
    ]);
    const x = (id: string) => byId.get(id)!.x0;
    expect(x('0:page_view')).toBe(1);
    expect(x('1:product_view')).toBe(x('1:search'));
    expect(x('1:product_view')).toBeGreaterThan(x('0:page_view'));
    expect(byId.get('2:purchase')!.x1).toBe(599);
    expect(byId.get('0:page_view')!.value).toBe(4);
    // Heights and widths in proportion to users: 3 to 1.
    const hgt = (id: string) => byId.get(id)!.y1 - byId.get(id)!.y0;
    expect(hgt('1:product_view') / hgt('1:search')).toBeCloseTo(3, 5);
    expect(ls[0]!.width / ls[1]!.width).toBeCloseTo(3, 5);
    expect(ls[0]!.path).toMatch(/^M[\d.]+,[\d.]+C/);
  });

  it('keeps a path anchored at its end right-aligned by step, and is empty without links', () => {
    const { nodes: ns } = layoutSankey(
      [
        { id: '3:cart', name: 'cart', step: 3 },
        { id: '4:purchase', name: 'purchase', step: 4 },
      ],
      [{ source: '3:cart', target: '4:purchase', value: 2 }],
      400,
      200,
    );
    expect(ns.map((n) => [n.id, n.x0])).toEqual([
      ['3:cart', 1],
      ['4:purchase', 385],
    ]);
    expect(layoutSankey(nodes, [], 400, 200)).toEqual({ nodes: [], links: [] });
  });
});
