import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { referencePath, useReference } from '../../../test/support/reference.js';
import { cka } from './cka.js';
import type { RepresentationMatrix } from './matrix.js';

const matrix = (rows: number[][]): RepresentationMatrix => ({ data: Float64Array.from(rows.flat()), rows: rows.length, cols: rows[0]!.length });

function gaussian(n: number, d: number, seed: number): RepresentationMatrix {
  const rng = new Rng(seed);
  return { data: Float64Array.from({ length: n * d }, () => rng.normal()), rows: n, cols: d };
}

describe('CKA properties', () => {
  it('is 1 for a representation and its rotation, isotropic scaling or translation (linear), and symmetric', async () => {
    const x = gaussian(60, 5, 1);
    const angle = 0.7;
    const y = { ...x, data: x.data.map((v, i) => (i % 5 === 0 ? 3 * (Math.cos(angle) * v - Math.sin(angle) * x.data[i + 1]!) + 2 : i % 5 === 1 ? 3 * (Math.sin(angle) * x.data[i - 1]! + Math.cos(angle) * v) - 1 : 3 * v + 5)) };
    expect((await cka(x, y)).cka).toBeCloseTo(1, 12);
    const z = gaussian(60, 7, 2);
    expect((await cka(x, z)).cka).toBeCloseTo((await cka(z, x)).cka, 14);
    expect((await cka(x, z, { kernel: 'rbf' })).cka).toBeCloseTo((await cka(z, x, { kernel: 'rbf' })).cka, 14);
  });

  it('feature-space and sample-space forms agree (n above and below the width)', async () => {
    const wide = gaussian(20, 50, 3);
    const other = gaussian(20, 30, 4);
    const a = await cka(wide, other);
    expect(a.cka).toBeGreaterThan(0);
    expect(a.cka).toBeLessThan(1);
    // a hand-built Gram computation on a small case (n = 5 above both widths: the feature-space path)
    const x = matrix([[1, 2], [3, 1], [0, 4], [2, 2], [5, 0]]);
    const y = matrix([[1, 0, 1], [0, 1, 1], [2, 1, 0], [1, 1, 1], [0, 0, 3]]);
    const n = 5;
    const center = (m: RepresentationMatrix) => { const c = Array.from({ length: m.cols }, (_, j) => Array.from({ length: n }, (_, i) => m.data[i * m.cols + j]!).reduce((s, v) => s + v, 0) / n); return Array.from({ length: n }, (_, i) => Array.from({ length: m.cols }, (_, j) => m.data[i * m.cols + j]! - c[j]!)); };
    const xc = center(x);
    const yc = center(y);
    const k = xc.map((r) => xc.map((s) => r.reduce((acc, v, t) => acc + v * s[t]!, 0)));
    const l = yc.map((r) => yc.map((s) => r.reduce((acc, v, t) => acc + v * s[t]!, 0)));
    const dot = (p: number[][], q: number[][]) => p.reduce((acc, r, i) => acc + r.reduce((a2, v, j) => a2 + v * q[i]![j]!, 0), 0);
    expect((await cka(x, y)).cka).toBeCloseTo(dot(k, l) / Math.sqrt(dot(k, k) * dot(l, l)), 13);
  });

  it('onnxruntime (float32 sgemm) agrees with float64 on large float32 matrices to float32 precision', async () => {
    const rng = new Rng(5);
    const n = 3000;
    const x = Float32Array.from({ length: n * 64 }, () => rng.normal());
    const y = Float32Array.from({ length: n * 32 }, (_, i) => Math.tanh(x[Math.floor(i / 32) * 64 + (i % 32)]! + 0.3 * x[Math.floor(i / 32) * 64 + 32 + (i % 32)]!) + 0.5 * rng.normal());
    const a = await cka({ data: x, rows: n, cols: 64 }, { data: y, rows: n, cols: 32 }, { engine: 'onnxruntime' });
    const b = await cka({ data: x, rows: n, cols: 64 }, { data: y, rows: n, cols: 32 }, { engine: 'float64' });
    expect(a.engine).toBe('onnxruntime');
    expect(Math.abs(a.cka - b.cka)).toBeLessThan(1e-5);
  });

  it('onnxruntime engine: a NaN or Inf is found after the products and named by row and column; float32 overflow is refused', async () => {
    const n = 300;
    const x = Float32Array.from({ length: n * 20 }, (_, i) => Math.sin(i));
    const y = Float32Array.from({ length: n * 10 }, (_, i) => Math.cos(i * 0.7));
    const withValue = (m: Float32Array, at: number, value: number): Float32Array => Float32Array.from(m, (v, i) => (i === at ? value : v));
    await expect(cka({ data: withValue(x, 7 * 20 + 3, Number.NaN), rows: n, cols: 20 }, { data: y, rows: n, cols: 10 }, { engine: 'onnxruntime' })).rejects.toThrow(/X: row 7, column 3 is not finite/);
    await expect(cka({ data: x, rows: n, cols: 20 }, { data: withValue(y, 250 * 10 + 9, Number.POSITIVE_INFINITY), rows: n, cols: 10 }, { engine: 'onnxruntime' })).rejects.toThrow(/Y: row 250, column 9 is not finite/);
    await expect(cka({ data: Float32Array.from(x, (v) => v * 1e30), rows: n, cols: 20 }, { data: y, rows: n, cols: 10 }, { engine: 'onnxruntime' })).rejects.toThrow(/overflow float32/);
  });

  it('refuses mismatched rows and non-finite values by name', async () => {
    await expect(cka(gaussian(10, 2, 1), gaussian(11, 2, 1))).rejects.toThrow(/X has 10 rows and Y 11/);
    const bad = gaussian(10, 2, 1);
    (bad.data as Float64Array)[5] = Number.NaN;
    await expect(cka(bad, gaussian(10, 2, 2))).rejects.toThrow(/X: row 2, column 1 is not finite/);
  });
});

const HAS_REFERENCE = useReference('CKA reproduces the numpy reference (cka/)', ['cka/synthetic_xy.json', 'cka/cka_values.json', 'cka/cnn_layer_cka.json', 'cka/activations_seed0_conv1.f32']);

describe.skipIf(!HAS_REFERENCE)('CKA reproduces the numpy reference (cka/)', () => {
  it('linear, RBF (σ = 0.8 × median distance) and debiased linear CKA on synthetic X, Y to 1e-10', async () => {
    const xy = JSON.parse(readFileSync(referencePath('cka/synthetic_xy.json'), 'utf8')) as { X: number[][]; Y: number[][] };
    const want = JSON.parse(readFileSync(referencePath('cka/cka_values.json'), 'utf8')) as Record<string, number> & { hsic_unbiased: Record<string, number>; hsic_biased: Record<string, number> };
    const x = matrix(xy.X);
    const y = matrix(xy.Y);
    const linear = await cka(x, y);
    expect(Math.abs(linear.cka - want.linear_cka!)).toBeLessThan(1e-10);
    expect(Math.abs(linear.hsic.xy - want.hsic_biased.XY!)).toBeLessThan(1e-8);
    const rbf = await cka(x, y, { kernel: 'rbf' });
    expect(Math.abs(rbf.cka - want.rbf_cka!)).toBeLessThan(1e-10);
    expect(Math.abs(rbf.sigma!.x - want.rbf_sigma_x!)).toBeLessThan(1e-10);
    expect(Math.abs(rbf.sigma!.y - want.rbf_sigma_y!)).toBeLessThan(1e-10);
    const debiased = await cka(x, y, { debiased: true });
    expect(Math.abs(debiased.cka - want.debiased_linear_cka!)).toBeLessThan(1e-10);
    expect(Math.abs(debiased.hsic.xy - want.hsic_unbiased.XY!)).toBeLessThan(1e-8);
  });

  it('the 3 × 3 layer matrix between the seed-0 and seed-1 CNNs from the stored activations to 1e-9', async () => {
    const layers = ['conv1', 'conv2', 'dense'];
    const widths: Record<string, number> = { conv1: 1568, conv2: 784, dense: 64 };
    const read = (seed: number, layer: string): RepresentationMatrix => {
      const bytes = readFileSync(referencePath(`cka/activations_seed${seed}_${layer}.f32`));
      const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      return { data: Float32Array.from(data), rows: 500, cols: widths[layer]! };
    };
    type Table = { matrix: number[][] };
    const reference = JSON.parse(readFileSync(referencePath('cka/cnn_layer_cka.json'), 'utf8')) as { linear_cka_seed0_vs_seed1: Table; debiased_linear_cka_seed0_vs_seed1: Table };
    const { ckaMatrix } = await import('./layer-matrix.js');
    const seed0 = Object.fromEntries(layers.map((l) => [l, read(0, l)]));
    const seed1 = Object.fromEntries(layers.map((l) => [l, read(1, l)]));
    const linear = await ckaMatrix(seed0, seed1);
    const debiased = await ckaMatrix(seed0, seed1, { debiased: true });
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) {
      expect(Math.abs(linear.matrix[a]![b]! - reference.linear_cka_seed0_vs_seed1.matrix[a]![b]!)).toBeLessThan(1e-9);
      expect(Math.abs(debiased.matrix[a]![b]! - reference.debiased_linear_cka_seed0_vs_seed1.matrix[a]![b]!)).toBeLessThan(1e-9);
    }
    // the feature-space path (n ≥ width) on the dense layer agrees with the Gram path
    expect(Math.abs((await cka(read(0, 'dense'), read(1, 'dense'), { engine: 'float64' })).cka - reference.linear_cka_seed0_vs_seed1.matrix[2]![2]!)).toBeLessThan(1e-9);
  }, 60_000);
});

describe('minibatch CKA (Nguyen et al. 2021)', () => {
  it('with one batch holding every example it equals debiased CKA; with small batches it stays close and is seeded', async () => {
    const { minibatchCka } = await import('./minibatch.js');
    const x = gaussian(400, 12, 7);
    const y = { ...gaussian(400, 6, 8) };
    const yData = y.data as Float64Array;
    for (let i = 0; i < 400; i++) for (let j = 0; j < 6; j++) yData[i * 6 + j] = Math.tanh(x.data[i * 12 + j]! + x.data[i * 12 + j + 6]!) + 0.5 * yData[i * 6 + j]!;
    const whole = minibatchCka(x, y, { batchSize: 400 });
    expect(whole.cka).toBeCloseTo((await cka(x, y, { debiased: true })).cka, 12);
    const small = minibatchCka(x, y, { batchSize: 50, seed: 3 });
    expect(small.batches).toBe(8);
    expect(Math.abs(small.cka - whole.cka)).toBeLessThan(0.05);
    expect(minibatchCka(x, y, { batchSize: 50, seed: 3 }).cka).toBe(small.cka);
  });
});

describe('layer × layer CKA matrix', () => {
  it('shares each layer\'s kernel across pairs and equals pairwise CKA (biased, debiased, RBF)', async () => {
    const { ckaMatrix } = await import('./layer-matrix.js');
    const layers = { a: gaussian(40, 6, 11), b: gaussian(40, 9, 12), c: gaussian(40, 3, 13) };
    for (const options of [{}, { debiased: true }, { kernel: 'rbf' as const }]) {
      const m = await ckaMatrix(layers, layers, options);
      for (const [i, r] of m.rows.entries()) for (const [j, c] of m.cols.entries()) {
        const pair = await cka(layers[r as 'a'], layers[c as 'a'], { ...options, engine: 'float64' });
        expect(m.matrix[i]![j]!).toBeCloseTo(pair.cka, 12);
      }
    }
  });
});
