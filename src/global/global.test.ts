import { describe, expect, it } from 'vitest';
import { pipeline } from '../model/pipeline.js';
import { Rng } from '../rng.js';
import { fnModel, rawMatrix, tinyEncoder } from '../../test/conformance/fixtures.js';
import { linearWeights } from './linear-weights.js';
import { partialDependence } from './partial-dependence.js';
import { permutationImportance } from './permutation-importance.js';
import { surrogateTree } from './surrogate-tree.js';

const encoder = tinyEncoder([
  { name: 'x0', type: 'numeric' },
  { name: 'x1', type: 'numeric' },
  { name: 'colour', type: 'categorical', categories: ['red', 'green', 'blue'] },
]);
const logistic = (r: Float32Array): number[] => {
  const p = 1 / (1 + Math.exp(-(1.5 * r[0]! - 0.8 * r[4]! + 0.25)));
  return [1 - p, p];
};
function data(n = 300) {
  const rng = new Rng(2);
  const raw = rawMatrix(Array.from({ length: n }, () => [rng.normal(), rng.normal(), rng.int(3)]));
  const pipe = pipeline(fnModel(encoder.outputWidth, 2, logistic), encoder);
  return { raw, pipe };
}

describe('permutationImportance', () => {
  it('is exactly 0 for a constant model and ranks used over unused features', async () => {
    const { raw, pipe } = data();
    const labels = Float64Array.from({ length: raw.nRows }, (_, i) => (raw.data[i * 3]! > 0 ? 1 : 0));
    const constant = pipeline(fnModel(encoder.outputWidth, 2, () => [0.3, 0.7]), encoder);
    const zero = await permutationImportance(constant, raw, labels, { repeats: 3, metric: 'accuracy' });
    expect(Array.from(zero.importances)).toEqual([0, 0, 0]);
    const imp = await permutationImportance(pipe, raw, labels, { repeats: 4, seed: 1 });
    expect(imp.importances[0]!).toBeGreaterThan(0.2);
    expect(imp.importances[1]).toBe(0);
    expect(imp.std.length).toBe(3);
    const again = await permutationImportance(pipe, raw, labels, { repeats: 4, seed: 1 });
    expect(Array.from(again.drops)).toEqual(Array.from(imp.drops));
  });
});

describe('partialDependence', () => {
  it('averages the ICE curves, uses categories as the grid and is monotone for a monotone model', async () => {
    const { raw, pipe } = data(50);
    const pd = await partialDependence(pipe, raw, 0, { gridSize: 10 });
    expect(pd.grid.length).toBe(10);
    for (let k = 1; k < 10; k++) expect(pd.average[k]!).toBeGreaterThan(pd.average[k - 1]!);
    for (let k = 0; k < 10; k++) {
      let s = 0;
      for (let i = 0; i < 50; i++) s += pd.ice[i * 10 + k]!;
      expect(pd.average[k]).toBeCloseTo(s / 50, 12);
    }
    const cat = await partialDependence(pipe, raw, 2);
    expect(cat.gridLabels).toEqual(['red', 'green', 'blue']);
    expect(cat.average[2]!).toBeLessThan(cat.average[0]!);
  });
});

describe('surrogateTree', () => {
  it('reproduces a model that is itself a small tree with fidelity 1 and readable rules', async () => {
    const { raw } = data(400);
    const step = pipeline(fnModel(encoder.outputWidth, 2, (r) => (r[0]! > 0.5 && r[4]! !== 1 ? [0.1, 0.9] : [0.8, 0.2])), encoder);
    const tree = await surrogateTree(step, raw, { maxDepth: 3 });
    expect(tree.fidelity).toBe(1);
    expect(tree.rules.some((rule) => rule.includes('x0 ') && rule.includes('colour'))).toBe(true);
  });
});

describe('linearWeights', () => {
  it('recovers a logistic model’s weights from a surrogate fit (fidelity ≈ 1) with odds ratios', async () => {
    const { raw, pipe } = data();
    const lw = await linearWeights(pipe, raw);
    expect(lw.source).toBe('surrogate');
    expect(lw.fidelity!).toBeGreaterThan(0.999);
    expect(lw.weights[0]!).toBeCloseTo(1.5, 3);
    expect(lw.weights[1]!).toBeCloseTo(0, 3);
    expect(lw.weights[4]! - lw.weights[2]!).toBeCloseTo(-0.8, 3);
    expect(lw.oddsRatios![0]!).toBeCloseTo(Math.exp(1.5), 2);
    expect(lw.columns).toEqual(['x0', 'x1', 'colour=red', 'colour=green', 'colour=blue']);
  });
});
