import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import type { Table } from '../data/table.js';
import { refineRanges } from './range-refine.js';
import { buildRowIndex, conditionBounds, prepareFeatures } from './search-features.js';

describe('refineRanges', () => {
  it('moves the bounds of a decile range to a failure range that lies between decile edges', () => {
    const n = 8000;
    const rng = new Rng(4);
    const x = Float64Array.from({ length: n }, () => rng.next());
    // The model fails exactly on [0.335, 0.455): 1.2 deciles, neither bound on a decile edge.
    const metric = Float64Array.from(x, (v) => (v >= 0.335 && v < 0.455 ? 1 : 0));
    const table: Table = { nRows: n, columns: [{ kind: 'numeric', name: 'x', values: x }], rowIds: Int32Array.from({ length: n }, (_, i) => i) };
    const features = prepareFeatures(table, ['x']);
    const edges = features[0]!.edges!;
    const lo = edges.findIndex((e) => e > 0.335); // the decile bin holding the planted start
    const coarse = { feature: 0, lo, hi: lo };
    const total = { n, sum: metric.reduce((a, v) => a + v, 0), sumSq: metric.reduce((a, v) => a + v, 0) };
    const r = refineRanges([coarse], { features, index: buildRowIndex(features), metric, total, binary: true, direction: 1, minSupport: 20, fine: 8 })!;
    const [low, high] = conditionBounds(features[0]!, r.conditions[0]!);
    // One fine cut is 1/80 of the rows, i.e. about 0.0125 on this uniform column.
    expect(Math.abs(low - 0.335)).toBeLessThan(0.0125);
    expect(Math.abs(high - 0.455)).toBeLessThan(0.0125);
    expect(r.moments.sum).toBeGreaterThan(0.95 * total.sum);
    expect(r.pairs).toBeGreaterThan(100);
  });

  it('leaves slices without numeric ranges alone', () => {
    const table: Table = { nRows: 4, columns: [{ kind: 'categorical', name: 'c', codes: Int32Array.from([0, 1, 0, 1]), categories: ['a', 'b'] }], rowIds: Int32Array.from([0, 1, 2, 3]) };
    const features = prepareFeatures(table, ['c']);
    const metric = Float64Array.from([1, 0, 1, 0]);
    expect(refineRanges([{ feature: 0, lo: 0, hi: 0 }], { features, index: buildRowIndex(features), metric, total: { n: 4, sum: 2, sumSq: 2 }, binary: true, direction: 1, minSupport: 1, fine: 8 })).toBeUndefined();
  });
});
