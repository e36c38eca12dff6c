import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import type { Table } from '../data/table.js';
import { errorTree } from './error-tree.js';
import { errorHeatmap } from './error-heatmap.js';

function data(seed: number, n = 3000): { table: Table; errors: Float64Array } {
  const rng = new Rng(seed);
  const x = Float64Array.from({ length: n }, () => rng.next() * 10);
  const c = Int32Array.from({ length: n }, () => rng.int(3));
  const errors = Float64Array.from({ length: n }, (_, i) => (rng.next() < (x[i]! >= 7 && c[i] === 2 ? 0.6 : 0.1) ? 1 : 0));
  return { table: { nRows: n, rowIds: new Int32Array(n), columns: [{ kind: 'numeric', name: 'x', values: x }, { kind: 'categorical', name: 'c', codes: c, categories: ['a', 'b', 'z'] }] }, errors };
}

describe('error tree', () => {
  it('respects depth/leaf limits, conserves counts and isolates the planted region', () => {
    const { table, errors } = data(1);
    const nodes = errorTree(table, ['x', 'c'], errors);
    const leaves = nodes.filter((n) => !n.children);
    expect(Math.max(...nodes.map((n) => n.depth))).toBeLessThanOrEqual(3);
    expect(leaves.length).toBeLessThanOrEqual(31);
    expect(leaves.every((l) => l.n >= 20)).toBe(true);
    for (const node of nodes) if (node.children) expect(nodes[node.children[0]]!.n + nodes[node.children[1]]!.n).toBe(node.n);
    expect(leaves.reduce((a, l) => a + l.total, 0)).toBe(errors.reduce((a, v) => a + v, 0));
    const worst = leaves.reduce((a, b) => (b.rate > a.rate ? b : a));
    expect(worst.rate).toBeGreaterThan(0.45);
    expect(worst.predicates.some((p) => p.feature === 'c' && p.value === 'z')).toBe(true);
  });
  it('maxDepth 1 gives a stump', () => {
    const { table, errors } = data(2);
    expect(errorTree(table, ['x', 'c'], errors, { maxDepth: 1 }).length).toBe(3);
  });
  it('heatmap cells cover every row and carry the planted contrast', () => {
    const { table, errors } = data(3);
    const map = errorHeatmap(table, errors, 'x', 'c', { bins: 5 });
    expect(map.cells.reduce((a, c) => a + c.n, 0)).toBe(3000);
    const hot = map.cells.filter((c) => c.y === 'z' && c.x.startsWith('>='));
    expect(hot[0]!.rate!).toBeGreaterThan(0.4);
    expect((map.spec as { layer: { mark: unknown }[] }).layer.map((l) => l.mark)).toEqual(['rect', { type: 'text', fontSize: 12 }]);
  });
});
