import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import type { RepresentationMatrix } from '../cka/matrix.js';
import { stratifiedFolds } from './folds.js';
import { linearProbes } from './probes.js';
import { principalCoordinates } from './reduce.js';

function synthetic(n: number, seed: number): { labels: Int32Array; linear: RepresentationMatrix; noise: RepresentationMatrix; wide: RepresentationMatrix } {
  const rng = new Rng(seed);
  const k = 4;
  const labels = Int32Array.from({ length: n }, (_, i) => i % k);
  const d = 8;
  // the label is a linear function of the layer: class means 4 apart along separate axes, unit noise
  const linear = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) linear[i * d + j] = rng.normal() + (j === labels[i] ? 4 : 0);
  const noise = Float32Array.from({ length: n * d }, () => rng.normal());
  // wide: 600 columns, the label planted in a few high-variance directions, so PCA to ≤ 256 keeps it
  const w = 600;
  const wide = new Float32Array(n * w);
  for (let i = 0; i < n; i++) for (let j = 0; j < w; j++) wide[i * w + j] = 0.3 * rng.normal() + (j % k === labels[i] && j < 40 ? 2 : 0);
  return { labels, linear: { data: linear, rows: n, cols: d }, noise: { data: noise, rows: n, cols: d }, wide: { data: wide, rows: n, cols: w } };
}

describe('linearProbes', () => {
  it('reads a linearly coded label at ~1 and pure noise at ~the majority baseline', () => {
    const { labels, linear, noise } = synthetic(400, 1);
    const result = linearProbes({ linear, noise }, labels, { seed: 0 });
    const [a, b] = result.layers;
    expect(a!.accuracy).toBeGreaterThan(0.97);
    expect(a!.interval.low).toBeGreaterThan(0.9);
    expect(b!.baseline).toBeCloseTo(0.25, 1);
    // noise: 4 balanced classes → accuracy is Binomial(400, 0.25)/400 up to fitting noise; 4 sd ≈ 0.087
    expect(Math.abs(b!.accuracy - 0.25)).toBeLessThan(0.09);
    expect(b!.interval.low).toBeLessThan(0.25 + 0.02);
    expect(result.layers.every((l) => l.converged)).toBe(true);
  });

  it('reduces wide layers by PCA and still reads a label carried by the top components', () => {
    const { labels, wide } = synthetic(300, 2);
    const result = linearProbes({ wide }, labels, { seed: 0, maxDims: 20 });
    expect(result.layers[0]!.dims).toBe(20);
    expect(result.layers[0]!.originalDims).toBe(600);
    expect(result.layers[0]!.accuracy).toBeGreaterThan(0.95);
  });

  it('is deterministic under a seed, and another seed changes the folds', () => {
    const { labels, linear, noise } = synthetic(200, 3);
    const a = linearProbes({ linear, noise }, labels, { seed: 5 });
    const b = linearProbes({ linear, noise }, labels, { seed: 5 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(Array.from(stratifiedFolds(labels, 4, 5, 5))).not.toEqual(Array.from(stratifiedFolds(labels, 4, 5, 6)));
  });

  it('any target values: maps them to classes and rejects a constant target', () => {
    const { linear } = synthetic(100, 4);
    const target = Float64Array.from({ length: 100 }, (_, i) => (linear.data[i * 8]! > 2 ? 7 : -1));
    expect(linearProbes({ linear }, target).classes).toEqual([-1, 7]);
    expect(() => linearProbes({ linear }, new Float64Array(100))).toThrow(/single value/);
    expect(() => linearProbes({ linear }, new Float64Array(99).map((_, i) => i % 2))).toThrow(/99 values/);
  });
});

describe('stratifiedFolds', () => {
  it('gives each fold each class’s share', () => {
    const labels = Int32Array.from({ length: 100 }, (_, i) => (i < 80 ? 0 : 1));
    const fold = stratifiedFolds(labels, 2, 5, 0);
    for (let f = 0; f < 5; f++) {
      let zeros = 0;
      let ones = 0;
      for (let i = 0; i < 100; i++) if (fold[i] === f && labels[i] === 0) zeros++;
        else if (fold[i] === f) ones++;
      expect([zeros, ones]).toEqual([16, 4]);
    }
  });
});

describe('principalCoordinates', () => {
  it('matches exact PCA coordinates up to sign (Gram route)', async () => {
    const { pca } = await import('../projection/pca.js');
    const rng = new Rng(9);
    const n = 40;
    const d = 60;
    const data = Float64Array.from({ length: n * d }, (_, i) => rng.normal() * (1 + (i % d < 3 ? 5 - (i % d) : 0)));
    const m = { data, rows: n, cols: d };
    // k + 10 sketch columns ≥ n rows: the range finder spans the whole row space, so the result is exact
    const fast = principalCoordinates(m, 30, 0);
    const exact = pca(m, { components: 3, method: 'exact' }).coordinates;
    for (let c = 0; c < 3; c++) {
      const sign = Math.sign(fast[c]!) === Math.sign(exact[c]!) ? 1 : -1;
      for (let i = 0; i < n; i++) expect(sign * fast[i * 30 + c]!).toBeCloseTo(exact[i * 3 + c]!, 6);
    }
  });
});
