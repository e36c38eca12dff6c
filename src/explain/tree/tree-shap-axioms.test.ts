import { describe, expect, it } from 'vitest';
import { goesLeft } from '../../model/trees/decide.js';
import type { TreeEnsemble } from '../../model/trees/ir.js';
import { predictMargin, sigmoid } from '../../model/trees/score.js';
import { treeModel } from '../../model/trees/tree-model.js';
import { Rng } from '../../rng.js';
import { treeShap } from '../tree-shap.js';
import { FastTreeShap } from './fast-shap.js';
import { InterventionalTreeShap } from './interventional.js';
import { handEnsemble, randomTree } from '../../../test/fixtures/trees/hand-trees.js';

/** Path-dependent game: E[f | x_S] with absent features averaged by cover (Lundberg et al. 2020, Alg. 1). */
function pathValue(e: TreeEnsemble, x: Float64Array, inS: (f: number) => boolean): number {
  const visit = (n: number): number => {
    const f = e.feature[n]!;
    if (f < 0) return e.value[n]!;
    if (inS(f)) return visit(goesLeft(e, n, x[f]!) ? e.left[n]! : e.right[n]!);
    const l = e.left[n]!;
    const r = e.right[n]!;
    return (e.cover[l]! * visit(l) + e.cover[r]! * visit(r)) / e.cover[n]!;
  };
  let s = e.baseMargin[0]!;
  for (let t = 0; t < e.nTrees; t++) s += visit(e.treeStart[t]!);
  return s;
}

function factorial(n: number): number {
  let r = 1;
  for (let i = 2; i <= n; i++) r *= i;
  return r;
}

/** Exact Shapley values and Shapley interaction indices of a set function over m players, by enumeration. */
function bruteForce(m: number, v: (mask: number) => number): { phi: Float64Array; inter: Float64Array } {
  const values = new Float64Array(1 << m);
  for (let s = 0; s < 1 << m; s++) values[s] = v(s);
  const size = (s: number): number => s.toString(2).split('1').length - 1;
  const phi = new Float64Array(m);
  const inter = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let s = 0; s < 1 << m; s++) {
      if (s & (1 << i)) continue;
      const k = size(s);
      phi[i]! += ((factorial(k) * factorial(m - k - 1)) / factorial(m)) * (values[s | (1 << i)]! - values[s]!);
      for (let j = 0; j < m; j++) {
        if (j === i || s & (1 << j)) continue;
        const d = values[s | (1 << i) | (1 << j)]! - values[s | (1 << i)]! - values[s | (1 << j)]! + values[s]!;
        inter[i * m + j]! += ((factorial(k) * factorial(m - k - 2)) / (2 * factorial(m - 1))) * d;
      }
    }
  }
  for (let i = 0; i < m; i++) {
    let rest = 0;
    for (let j = 0; j < m; j++) if (j !== i) rest += inter[i * m + j]!;
    inter[i * m + i] = phi[i]! - rest;
  }
  return { phi, inter };
}

function randomRow(rng: Rng, m: number, missing = 0): Float64Array {
  return Float64Array.from({ length: m }, () => (rng.next() < missing ? Number.NaN : Math.floor(rng.next() * 5)));
}

describe('path-dependent TreeSHAP on random hand-built ensembles', () => {
  const m = 5;
  const rng = new Rng(7);
  const ensembles = Array.from({ length: 4 }, () => handEnsemble([randomTree(rng, 4, m), randomTree(rng, 5, m), randomTree(rng, 3, m)], m, { base: 0.25 }));

  it('equals brute-force Shapley values and interaction indices of the path-dependent game', () => {
    for (const e of ensembles) {
      const fast = new FastTreeShap(e, { interactions: true });
      for (let k = 0; k < 6; k++) {
        const x = randomRow(rng, m, 0.15);
        const oracle = bruteForce(m, (mask) => pathValue(e, x, (f) => (mask & (1 << f)) !== 0));
        const phi = new Float64Array(m + 1);
        fast.contributions(x, 0, phi);
        for (let j = 0; j < m; j++) expect(phi[j]).toBeCloseTo(oracle.phi[j]!, 10);
        expect(phi[m]).toBeCloseTo(pathValue(e, x, () => false), 10);
        const inter = new Float64Array((m + 1) * (m + 1));
        fast.interactions(x, 0, inter);
        for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) expect(inter[i * (m + 1) + j]).toBeCloseTo(oracle.inter[i * m + j]!, 10);
      }
    }
  });

  it('the Algorithm 2 fallback gives the same values as the tables', () => {
    for (const e of ensembles) {
      const fast = new FastTreeShap(e, { interactions: true });
      const slow = new FastTreeShap(e, { interactions: true, maxTableDepth: 0 });
      const x = randomRow(rng, m, 0.1);
      const a = new Float64Array((m + 1) ** 2);
      const b = new Float64Array((m + 1) ** 2);
      fast.interactions(x, 0, a);
      slow.interactions(x, 0, b);
      for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 11);
    }
  });

  it('local accuracy: Σφ + base = margin, for every row of a batch', () => {
    const e = ensembles[0]!;
    const fast = new FastTreeShap(e);
    const n = 50;
    const rows = new Float64Array(n * m);
    for (let i = 0; i < n; i++) rows.set(randomRow(rng, m, 0.1), i * m);
    const out = new Float64Array(n * (m + 1));
    fast.contributionsBatch(rows, 0, n, 0, out);
    const margin = predictMargin(e, rows, n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j <= m; j++) s += out[i * (m + 1) + j]!;
      expect(s).toBeCloseTo(margin[i]!, 10);
    }
  });
});

describe('TreeSHAP axioms on small hand-built trees', () => {
  // f = 10 if x0 ≥ 1 and x1 ≥ 1, else 0; x2 is never used
  const and = (high: number): TreeEnsemble =>
    handEnsemble([{ f: 0, t: 1, cover: 100, l: { leaf: 0, cover: 50 }, r: { f: 1, t: 1, cover: 50, l: { leaf: 0, cover: 25 }, r: { leaf: high, cover: 25 } } }], 3);

  it('missingness: a feature no tree splits on gets exactly 0 (values and interactions)', () => {
    const fast = new FastTreeShap(and(10), { interactions: true });
    const x = Float64Array.of(2, 2, 7);
    const phi = new Float64Array(4);
    fast.contributions(x, 0, phi);
    expect(phi[2]).toBe(0);
    const inter = new Float64Array(16);
    fast.interactions(x, 0, inter);
    for (let j = 0; j < 4; j++) expect(inter[2 * 4 + j]).toBe(0);
  });

  it('closed form for the AND tree: φ0 = φ1 and Σφ = f(x) − E f', () => {
    const fast = new FastTreeShap(and(10));
    const phi = new Float64Array(4);
    fast.contributions(Float64Array.of(2, 2, 0), 0, phi);
    // E f = 2.5; v({0}) = 5, v({1}) = 5·(25/50)... by symmetry of covers φ0 = φ1 = 3.75
    expect(phi[0]).toBeCloseTo(3.75, 12);
    expect(phi[1]).toBeCloseTo(3.75, 12);
    expect(phi[3]).toBeCloseTo(2.5, 12);
  });

  it('consistency: raising the payoff where x0 matters never lowers φ0', () => {
    const x = Float64Array.of(2, 2, 0);
    const before = new Float64Array(4);
    const after = new Float64Array(4);
    new FastTreeShap(and(10)).contributions(x, 0, before);
    new FastTreeShap(and(14)).contributions(x, 0, after);
    expect(after[0]!).toBeGreaterThanOrEqual(before[0]!);
    expect(after[0]! - before[0]!).toBeGreaterThan(0);
  });

  it('missing values follow the default direction', () => {
    const e = handEnsemble([{ f: 0, t: 1, cover: 10, defaultLeft: false, l: { leaf: -1, cover: 5 }, r: { leaf: 1, cover: 5 } }], 1);
    const phi = new Float64Array(2);
    new FastTreeShap(e).contributions(Float64Array.of(Number.NaN), 0, phi);
    expect(phi[0]).toBeCloseTo(1, 12);
    expect(phi[1]).toBeCloseTo(0, 12);
  });
});

describe('interventional TreeSHAP', () => {
  const m = 4;
  const rng = new Rng(11);
  const e = handEnsemble([randomTree(rng, 4, m), randomTree(rng, 3, m), randomTree(rng, 4, m)], m, { link: 'logistic', base: -0.3 });
  const nBg = 6;
  const bg = new Float64Array(nBg * m);
  for (let i = 0; i < nBg; i++) bg.set(randomRow(rng, m, 0.1), i * m);

  const hybridMargin = (x: Float64Array, r: Float64Array, mask: number): number => {
    const z = Float64Array.from({ length: m }, (_, j) => (mask & (1 << j) ? x[j]! : r[j]!));
    return predictMargin(e, z, 1)[0]!;
  };

  it('equals brute-force Shapley values of v(S) = mean_r f(x_S, r_S̄) in margin space', () => {
    const engine = new InterventionalTreeShap(e, bg, nBg);
    for (let k = 0; k < 5; k++) {
      const x = randomRow(rng, m, 0.1);
      const oracle = bruteForce(m, (mask) => {
        let s = 0;
        for (let b = 0; b < nBg; b++) s += hybridMargin(x, bg.subarray(b * m, (b + 1) * m), mask);
        return s / nBg;
      });
      const phi = new Float64Array(m);
      engine.rowContribs(x, 0, 0, 'margin', phi, 0);
      for (let j = 0; j < m; j++) expect(phi[j]).toBeCloseTo(oracle.phi[j]!, 10);
    }
  });

  it('probability output: per background row the margin game rescaled, Σφ = σ(f(x)) − mean σ(f(r))', () => {
    const engine = new InterventionalTreeShap(e, bg, nBg);
    const x = randomRow(rng, m);
    const phi = new Float64Array(m);
    engine.rowContribs(x, 0, 0, 'probability', phi, 0);
    const fx = predictMargin(e, x, 1)[0]!;
    const sum = phi.reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(sigmoid(fx) - engine.baseValue(0, 'probability'), 12);
    // with a single background row the result is exactly the rescaled exact Shapley values
    const one = new InterventionalTreeShap(e, bg.subarray(0, m), 1);
    const r = bg.subarray(0, m);
    const oracle = bruteForce(m, (mask) => hybridMargin(x, r, mask));
    const fr = hybridMargin(x, r, 0);
    const phi1 = new Float64Array(m);
    one.rowContribs(x, 0, 0, 'probability', phi1, 0);
    const scale = Math.abs(fx - fr) > 1e-12 ? (sigmoid(fx) - sigmoid(fr)) / (fx - fr) : 0;
    for (let j = 0; j < m; j++) expect(phi1[j]).toBeCloseTo(oracle.phi[j]! * scale, 12);
  });

  it('through the explainer: completeness with a background, class 0 is the mirror of class 1', async () => {
    const model = treeModel(e);
    const x = { data: Float32Array.from(randomRow(rng, m * 3)), shape: [3, m] };
    const background = { data: Float32Array.from(bg), shape: [nBg, m] };
    const explainer = treeShap({ algorithm: 'interventional', output: 'probability', threads: 1 });
    const a1 = await explainer.explain(model, x, { background, target: 1 });
    const a0 = await explainer.explain(model, x, { background, target: 0 });
    for (let r = 0; r < 3; r++) {
      expect(Math.abs(a1.delta![r]!)).toBeLessThan(1e-9);
      expect(a0.outputs[r]! + a1.outputs[r]!).toBeCloseTo(1, 12);
      for (let j = 0; j < m; j++) expect(a0.values[r * m + j]).toBeCloseTo(-a1.values[r * m + j]!, 12);
    }
  });
});

describe('tree-shap on a single-score binary model whose score is a probability (ONNX NONE)', () => {
  it('class 0 is explained as 1 − score, with the same values negated', async () => {
    const e = { ...handEnsemble([{ f: 0, t: 1, cover: 10, l: { leaf: 0.2, cover: 5 }, r: { leaf: 0.9, cover: 5 } }], 1), task: 'binary' as const, classes: ['no', 'yes'] };
    const model = treeModel(e);
    const x = { data: Float32Array.of(0, 2), shape: [2, 1] };
    const background = { data: Float32Array.of(0, 2, 2), shape: [3, 1] };
    const explainer = treeShap({ algorithm: 'interventional', output: 'probability', threads: 1 });
    const yes = await explainer.explain(model, x, { background, target: 1 });
    const no = await explainer.explain(model, x, { background, target: 0 });
    expect(Array.from(yes.outputs)).toEqual([0.2, 0.9]);
    expect(no.outputs[0]).toBeCloseTo(0.8, 12);
    expect(no.baseValues[0]).toBeCloseTo(1 - yes.baseValues[0]!, 12);
    for (let r = 0; r < 2; r++) {
      expect(no.values[r]).toBeCloseTo(-yes.values[r]!, 12);
      expect(Math.abs(no.delta![r]!)).toBeLessThan(1e-12);
    }
  });
});

describe('tree-shap explainer contract', () => {
  const e = handEnsemble([{ f: 0, t: 1, cover: 10, l: { leaf: -1, cover: 5 }, r: { leaf: 1, cover: 5 } }], 2, { link: 'logistic' });
  const model = treeModel(e);

  it('declares what the report and CLI read', () => {
    const explainer = treeShap();
    expect(explainer.requires).toEqual(['tree-ensemble']);
    expect(explainer.properties).toMatchObject({ completeness: true, stochastic: false, access: 'trees' });
  });

  it('rejects impossible option combinations and bad inputs with named errors', async () => {
    expect(() => treeShap({ output: 'probability' })).toThrow(/needs algorithm 'interventional'/);
    expect(() => treeShap({ algorithm: 'interventional', interactions: true })).toThrow(/path-dependent/);
    await expect(treeShap({ algorithm: 'interventional' }).explain(model, { data: new Float32Array(2), shape: [1, 2] })).rejects.toThrow(/background/);
    await expect(treeShap().explain(model, { data: new Float32Array(3), shape: [1, 3] })).rejects.toThrow(/3 columns per row but the tree model expects 2/);
    const notTrees = { task: 'binary', classes: ['0', '1'], inputSpec: { name: 'x', shape: [null, 2], dtype: 'float32' }, outputWidth: 2, predict: () => Promise.resolve(new Float32Array(2)) } as const;
    await expect(treeShap().explain(notTrees, { data: new Float32Array(2), shape: [1, 2] })).rejects.toMatchObject({ code: 'missing_capability' });
  });
});
