import { describe, expect, it } from 'vitest';
import type { RawMatrix } from '../../src/encode/encoder.js';
import { exactShapley } from '../../src/explain/exact-shapley.js';
import { kernelShap } from '../../src/explain/kernel-shap.js';
import type { Pipeline } from '../../src/model/pipeline.js';
import { Rng } from '../../src/rng.js';
import { germanMlp, hasGermanCredit, matrix, readGermanJson } from '../conformance/german-credit.js';

interface ExactFile {
  features_subset_column_indices: number[];
  background_ordinal: number[][];
  rows: { x_ordinal: number[]; exact: { phi: number[] }; kernel_explainer: { values: number[] } }[];
}

if (!hasGermanCredit) console.warn('[reference] german-credit reference files not found (GLASSBOX_REFERENCE_DIR); skipping KernelSHAP reference tests');

describe.skipIf(!hasGermanCredit)('KernelSHAP on the german-credit MLP', () => {
  it("matches shap's KernelExplainer (nsamples 2048 → 1022, every coalition) within 1e-6", async () => {
    const ref = readGermanJson<ExactFile>('exact_shapley_mlp.json');
    const { pipe, model } = await germanMlp();
    try {
      const a = await kernelShap({ samples: 2048, seed: 0 }).explain(pipe, matrix(ref.rows.map((r) => r.x_ordinal)), {
        background: matrix(ref.background_ordinal),
        features: ref.features_subset_column_indices,
        target: 1,
      });
      let worst = 0;
      ref.rows.forEach((row, r) => {
        row.kernel_explainer.values.forEach((v, j) => (worst = Math.max(worst, Math.abs(a.values[r * 10 + j]! - v), Math.abs(a.values[r * 10 + j]! - row.exact.phi[j]!))));
        expect(Math.abs(a.delta![r]!)).toBeLessThan(1e-9);
      });
      expect(worst).toBeLessThan(1e-6);
    } finally {
      await model.dispose();
    }
  });

  it("in the sampling regime (20 players, 2048 samples) is no less accurate than a plain implementation of shap's sampler", async () => {
    const ref = readGermanJson<ExactFile>('exact_shapley_mlp.json');
    const { pipe, model } = await germanMlp();
    try {
      const x = matrix(ref.rows.map((r) => r.x_ordinal));
      const background = matrix(ref.background_ordinal);
      const exact = await exactShapley({ maxPlayers: 20 }).explain(pipe, x, { background, target: 1 });
      const seeds = [0, 1, 2, 3, 4, 5];
      let ours = 0;
      let oursShap = 0;
      let plain = 0;
      for (const seed of seeds) {
        const a = await kernelShap({ samples: 2048, seed }).explain(pipe, x, { background, target: 1 });
        const s = await kernelShap({ samples: 2048, seed, scheme: 'shap' }).explain(pipe, x, { background, target: 1 });
        ours += mae(a.values, exact.values);
        oursShap += mae(s.values, exact.values);
        for (let r = 0; r < x.nRows; r++) {
          const row = x.data.subarray(r * 20, (r + 1) * 20);
          const phi = await plainKernelShap(pipe, row, background, 2048, new Rng(1000 + seed * 10 + r));
          plain += mae(phi, exact.values.subarray(r * 20, (r + 1) * 20)) / x.nRows;
        }
      }
      ours /= seeds.length;
      oursShap /= seeds.length;
      plain /= seeds.length;
      console.info(`[reference] KernelSHAP MAE vs exact (german MLP, 20 players, 2048 samples, 5 rows × ${seeds.length} seeds): glassbox default ${ours.toExponential(3)}, glassbox scheme 'shap' ${oursShap.toExponential(3)}, plain shap sampler ${plain.toExponential(3)}`);
      expect(ours).toBeLessThanOrEqual(plain);
    } finally {
      await model.dispose();
    }
  }, 120_000);
});

function mae(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

/**
 * A direct transcription of shap 0.44 KernelExplainer.explain + solve (l1_reg=False) for the baseline:
 * one model call per sample over the whole background, count-proportional weights, np.linalg.solve.
 */
async function plainKernelShap(pipe: Pipeline, x: Float64Array, bg: RawMatrix, nsamples: number, rng: Rng): Promise<Float64Array> {
  const F = x.length;
  const n = bg.nRows;
  // shap's varying_groups: a feature equal to x in every background row is left out (its φ is 0)
  const varying = Array.from({ length: F }, (_, j) => j).filter((j) => Array.from({ length: n }, (_, b) => bg.data[b * F + j]).some((v) => v !== x[j]));
  const M = varying.length;
  const predictMean = async (mask: Float64Array): Promise<number> => {
    const data = Float64Array.from(bg.data);
    for (let b = 0; b < n; b++) for (let k = 0; k < M; k++) if (mask[k] === 1) data[b * F + varying[k]!] = x[varying[k]!]!;
    const y = await pipe.predictRaw({ data, nRows: n, nFeatures: F });
    let s = 0;
    for (let b = 0; b < n; b++) s += y[b * 2 + 1]!;
    return s / n;
  };
  const fx = await predictMean(new Float64Array(M).fill(1));
  const fnull = await predictMean(new Float64Array(M));
  const masks: Float64Array[] = [];
  const weights: number[] = [];
  const numSubsetSizes = Math.ceil((M - 1) / 2);
  const numPaired = Math.floor((M - 1) / 2);
  const wv = Array.from({ length: numSubsetSizes }, (_, k) => ((M - 1) / ((k + 1) * (M - k - 1))) * (k < numPaired ? 2 : 1));
  const wsum = wv.reduce((a, b) => a + b, 0);
  for (let i = 0; i < wv.length; i++) wv[i]! /= wsum;
  let numFull = 0;
  let left = nsamples;
  const rem = [...wv];
  for (let size = 1; size <= numSubsetSizes; size++) {
    const nsub = choose(M, size) * (size <= numPaired ? 2 : 1);
    if ((left * rem[size - 1]!) / nsub < 1 - 1e-8) break;
    numFull++;
    left -= nsub;
    if (rem[size - 1]! < 1) {
      const sc = 1 - rem[size - 1]!;
      for (let i = 0; i < rem.length; i++) rem[i]! /= sc;
    }
    const w = wv[size - 1]! / choose(M, size) / (size <= numPaired ? 2 : 1);
    for (const inds of combinations(M, size)) {
      const mask = new Float64Array(M);
      for (const i of inds) mask[i] = 1;
      masks.push(mask);
      weights.push(w);
      if (size <= numPaired) {
        masks.push(mask.map((v) => 1 - v));
        weights.push(w);
      }
    }
  }
  const nFixed = masks.length;
  let samplesLeft = nsamples - nFixed;
  if (numFull !== numSubsetSizes) {
    const p = wv.map((v, i) => (i < numPaired ? v / 2 : v)).slice(numFull);
    const ps = p.reduce((a, b) => a + b, 0);
    const used = new Map<string, number>();
    for (let draw = 0; draw < 4 * samplesLeft && samplesLeft > 0; draw++) {
      let u = rng.next() * ps;
      let k = 0;
      while (k < p.length - 1 && u >= p[k]!) u -= p[k++]!;
      const size = k + numFull + 1;
      const perm = rng.permutation(M);
      const mask = new Float64Array(M);
      for (let i = 0; i < size; i++) mask[perm[i]!] = 1;
      const key = mask.join('');
      const prev = used.get(key);
      if (prev === undefined) {
        used.set(key, masks.length);
        masks.push(mask);
        weights.push(1);
        samplesLeft--;
      } else weights[prev]! += 1;
      if (samplesLeft > 0 && size <= numPaired) {
        if (prev === undefined) {
          masks.push(mask.map((v) => 1 - v));
          weights.push(1);
          samplesLeft--;
        } else weights[prev + 1]! += 1;
      }
    }
    const weightLeft = wv.slice(numFull).reduce((a, b) => a + b, 0);
    const tot = weights.slice(nFixed).reduce((a, b) => a + b, 0);
    for (let i = nFixed; i < weights.length; i++) weights[i]! *= weightLeft / tot;
  }
  const ey: number[] = [];
  for (const mask of masks) ey.push((await predictMean(mask)) - fnull);
  const total = fx - fnull;
  const p = M - 1;
  const xtx = new Float64Array(p * p);
  const xty = new Float64Array(p);
  masks.forEach((mask, i) => {
    const y = ey[i]! - mask[M - 1]! * total;
    const row = Array.from({ length: p }, (_, a) => mask[a]! - mask[M - 1]!);
    for (let a = 0; a < p; a++) {
      xty[a]! += weights[i]! * row[a]! * y;
      for (let b = 0; b < p; b++) xtx[a * p + b]! += weights[i]! * row[a]! * row[b]!;
    }
  });
  const w = gaussSolve(xtx, xty, p);
  const phi = new Float64Array(F);
  w.forEach((v, k) => (phi[varying[k]!] = v));
  phi[varying[M - 1]!] = total - w.reduce((a, b) => a + b, 0);
  return phi;
}

function choose(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

function* combinations(n: number, k: number): Generator<number[]> {
  const idx = Array.from({ length: k }, (_, i) => i);
  for (;;) {
    yield [...idx];
    let i = k - 1;
    while (i >= 0 && idx[i] === n - k + i) i--;
    if (i < 0) return;
    idx[i]!++;
    for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1]! + 1;
  }
}

function gaussSolve(a: Float64Array, b: Float64Array, n: number): number[] {
  const m = Array.from({ length: n }, (_, r) => [...a.subarray(r * n, (r + 1) * n), b[r]!]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[piv]![c]!)) piv = r;
    [m[c], m[piv]] = [m[piv]!, m[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  const out = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= m[r]![k]! * out[k]!;
    out[r] = s / m[r]![r]!;
  }
  return out;
}
