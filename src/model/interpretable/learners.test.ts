import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import type { LearnerFeature } from './binning.js';
import { shallowTreeModel, sparseLinearModel } from './challenger-models.js';
import { fitShallowTree, shallowTreePredict, shallowTreeText } from './shallow-tree.js';
import { fitSparseLinear } from './sparse-linear.js';

/** x0 numeric (drives the label), x1 numeric noise, colour categorical (blue raises the odds). */
function sample(n: number, seed: number): { data: Float64Array; y: Uint8Array } {
  const rng = new Rng(seed);
  const data = new Float64Array(n * 3);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const x0 = rng.normal();
    const colour = rng.int(3);
    data.set([x0, rng.normal(), colour], i * 3);
    y[i] = rng.next() < 1 / (1 + Math.exp(-(2 * x0 + (colour === 2 ? 1.5 : 0) - 0.5))) ? 1 : 0;
  }
  return { data, y };
}
const features: LearnerFeature[] = [{ name: 'x0', type: 'numeric' }, { name: 'x1', type: 'numeric' }, { name: 'colour', type: 'categorical', categories: ['red', 'green', 'blue'] }];

describe('sparse linear challenger', () => {
  const { data, y } = sample(3000, 1);
  const raw = { data, nRows: 3000, nFeatures: 3 };
  const fitted = fitSparseLinear(raw, y, features, 'binary', { seed: 2 });

  it('recovers the logistic coefficients and sets the noise feature near zero', () => {
    const byName = new Map(fitted.columns.map((c, k) => [c.name, fitted.coefficients[k]!]));
    expect(byName.get('x0')).toBeGreaterThan(1.6);
    expect(byName.get('x0')).toBeLessThan(2.4);
    expect(byName.get('colour = blue')! - byName.get('colour = red')!).toBeGreaterThan(1);
    expect(Math.abs(byName.get('x1')!)).toBeLessThan(0.15);
    expect(fitted.path.nonzero[0]).toBe(0);
    expect(fitted.path.chosen).toBeGreaterThan(0);
  });

  it('predicts through the Model interface with the same logits', async () => {
    const model = sparseLinearModel(fitted, features, ['no', 'yes']);
    const out = await model.predict({ data: Float32Array.from(data.subarray(0, 3)), shape: [1, 3] });
    let s = fitted.intercept;
    fitted.columns.forEach((c, k) => (s += fitted.coefficients[k]! * (c.category === undefined ? Math.fround(data[c.feature]!) : data[2] === c.category ? 1 : 0)));
    expect(out[1]).toBeCloseTo(1 / (1 + Math.exp(-s)), 6);
  });
});

describe('shallow tree challenger', () => {
  const { data, y } = sample(3000, 3);
  const raw = { data, nRows: 3000, nFeatures: 3 };

  it('has depth at most 4, refuses deeper trees, and its leaves hold every training row', () => {
    const tree = fitShallowTree(raw, y, features, 'binary');
    expect(tree.depth).toBeLessThanOrEqual(4);
    expect(tree.depth).toBeGreaterThanOrEqual(2);
    const leaves: number[] = [];
    const walk = (node: typeof tree.root): void => (node.kind === 'leaf' ? void leaves.push(node.n) : (walk(node.left), walk(node.right)));
    walk(tree.root);
    expect(leaves.reduce((a, b) => a + b, 0)).toBe(3000);
    expect(() => fitShallowTree(raw, y, features, 'binary', { maxDepth: 5 })).toThrow(/depth 1 to 4/);
  });

  it('splits first on the feature that drives the label, and prints readably', () => {
    const tree = fitShallowTree(raw, y, features, 'binary', { maxDepth: 2 });
    expect(tree.root.kind === 'split' && tree.root.feature).toBe(0);
    const text = shallowTreeText(tree, 'yes');
    expect(text.split('\n')[0]).toMatch(/^x0 ≤ -?\d/);
    expect(text).toMatch(/├─ yes: /);
    expect(text).toMatch(/└─ no: /);
    expect(text.match(/P\(yes\) = /g)?.length).toBe(tree.leaves);
  });

  it('leaf probabilities are the training positive shares (Laplace-corrected), also through the Model', async () => {
    const tree = fitShallowTree(raw, y, features, 'binary', { maxDepth: 1 });
    const p = shallowTreePredict(tree, raw);
    const root = tree.root;
    if (root.kind !== 'split') throw new Error('expected a split');
    let pos = 0;
    let n = 0;
    for (let i = 0; i < 3000; i++) {
      if (data[i * 3]! <= root.threshold) {
        pos += y[i]!;
        n++;
      }
    }
    const leftValue = root.left.kind === 'leaf' ? root.left.value : NaN;
    expect(leftValue).toBeCloseTo((pos + 1) / (n + 2), 12);
    for (let i = 0; i < 3000; i++) if (data[i * 3]! <= root.threshold) expect(p[i]).toBe(leftValue);
    const out = await shallowTreeModel(tree).predict({ data: Float32Array.of(-3, 0, 0), shape: [1, 3] });
    expect(out[1]).toBeCloseTo(leftValue, 6);
  });
});
