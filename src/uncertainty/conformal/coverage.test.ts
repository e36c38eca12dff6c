import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { conformalRank } from './quantile.js';
import { coverageByGroup, setCoverage } from './coverage.js';
import { calibrateConformalClassifier, predictSets } from './split-conformal.js';
import type { ConformalClassifierOptions } from './split-conformal.js';

/**
 * Coverage simulations. Each trial draws a fresh calibration and test set from the same distribution;
 * the mean coverage over trials estimates E[coverage], which split conformal bounds by
 * 1 − α ≤ E ≤ 1 − α + 1/(n+1) (the upper bound when scores are continuous). Tolerance: 4 standard
 * errors of the mean over trials.
 */
const K = 4;
const TRIALS = 500;
const N_CAL = 100;
const N_TEST = 300;

/** A row: probabilities from random logits; its label drawn from a sharpened version, so the model is miscalibrated. */
function draw(rng: Rng, n: number, discrete: boolean): { probs: Float64Array; labels: Int32Array } {
  const probs = new Float64Array(n * K);
  const labels = new Int32Array(n);
  const truth = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    let truthSum = 0;
    const pattern = rng.int(3);
    for (let c = 0; c < K; c++) {
      const logit = discrete ? [[2, 1.2, -3, -3], [-3, 2, 1.2, -3], [-3, -3, 1.2, 2]][pattern]![c]! : 1.5 * rng.normal();
      probs[i * K + c] = Math.exp(logit);
      truth[c] = Math.exp(1.6 * logit);
      sum += probs[i * K + c]!;
      truthSum += truth[c]!;
    }
    for (let c = 0; c < K; c++) probs[i * K + c] = probs[i * K + c]! / sum;
    let u = rng.next() * truthSum;
    let y = 0;
    while (y < K - 1 && u >= truth[y]!) u -= truth[y++]!;
    labels[i] = y;
  }
  return { probs, labels };
}

function meanCoverage(options: ConformalClassifierOptions, seed: number, discrete = false): { mean: number; se: number } {
  const rng = new Rng(seed);
  const values: number[] = [];
  for (let t = 0; t < TRIALS; t++) {
    const cal = draw(rng, N_CAL, discrete);
    const test = draw(rng, N_TEST, discrete);
    const model = calibrateConformalClassifier(cal.probs, K, cal.labels, { ...options, seed: t });
    values.push(setCoverage(predictSets(model, test.probs), test.labels).coverage!);
  }
  const mean = values.reduce((a, b) => a + b, 0) / TRIALS;
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (TRIALS - 1));
  return { mean, se: sd / Math.sqrt(TRIALS) };
}

describe('split conformal coverage over random calibration/test splits', () => {
  const alpha = 0.1;
  const upper = 1 - alpha + 1 / (N_CAL + 1);

  it.each([
    ['lac', { score: 'lac' }],
    ['randomised APS', { score: 'aps', randomized: true }],
    ['randomised RAPS', { score: 'raps', randomized: true, lambda: 0.05, kReg: 1 }],
  ] as const)('%s: continuous scores give 1 − α ≤ coverage ≤ 1 − α + 1/(n+1), E = rank/(n+1)', (_, options) => {
    const { mean, se } = meanCoverage({ alpha, ...options }, 11);
    expect(mean).toBeGreaterThanOrEqual(1 - alpha - 4 * se);
    expect(mean).toBeLessThanOrEqual(upper + 4 * se);
    expect(Math.abs(mean - conformalRank(N_CAL, alpha) / (N_CAL + 1))).toBeLessThan(4 * se);
  });

  it.each([
    ['APS', { score: 'aps' }],
    ['RAPS', { score: 'raps', lambda: 0.05, kReg: 1 }],
  ] as const)('deterministic %s: coverage ≥ 1 − α', (_, options) => {
    const { mean, se } = meanCoverage({ alpha, ...options }, 12);
    expect(mean).toBeGreaterThanOrEqual(1 - alpha - 4 * se);
  });

  it('randomisation gives exact coverage where tied scores make deterministic APS over-cover', () => {
    // three probability patterns only, each with a 0.78/0.22 split of the true class between two classes:
    // q̂ lands on the second class's atom, so deterministic sets hold both and cover nearly always
    const deterministic = meanCoverage({ alpha, score: 'aps' }, 13, true);
    const randomized = meanCoverage({ alpha, score: 'aps', randomized: true }, 13, true);
    expect(deterministic.mean).toBeGreaterThan(upper + 4 * deterministic.se);
    expect(randomized.mean).toBeGreaterThanOrEqual(1 - alpha - 4 * randomized.se);
    expect(randomized.mean).toBeLessThanOrEqual(upper + 4 * randomized.se);
  });
});

describe('Mondrian (class-conditional) coverage', () => {
  it('holds ≥ 1 − α within every true class, where marginal calibration under-covers a hard class', () => {
    const alpha = 0.1;
    const rng = new Rng(21);
    const covered = { marginal: new Float64Array(K), mondrian: new Float64Array(K) };
    const count = new Float64Array(K);
    for (let t = 0; t < 200; t++) {
      // class 3 is hard: its rows put little mass on it
      const make = (n: number): { probs: Float64Array; labels: Int32Array } => {
        const d = draw(rng, n, false);
        for (let i = 0; i < n; i++) {
          if (d.labels[i] !== 3) continue;
          const p = d.probs.subarray(i * K, (i + 1) * K);
          p[3] = p[3]! * 0.2;
          const s = p[0]! + p[1]! + p[2]! + p[3]!;
          for (let c = 0; c < K; c++) p[c] = p[c]! / s;
        }
        return d;
      };
      const cal = make(400);
      const test = make(200);
      for (const [kind, conditioning] of [['marginal', 'marginal'], ['mondrian', 'class']] as const) {
        const sets = predictSets(calibrateConformalClassifier(cal.probs, K, cal.labels, { alpha, score: 'lac', conditioning }), test.probs);
        coverageByGroup(sets, test.labels, test.labels, ['0', '1', '2', '3']).forEach((g, c) => {
          covered[kind][c] = covered[kind][c]! + g.covered;
          if (kind === 'marginal') count[c] = count[c]! + g.n;
        });
      }
    }
    for (let c = 0; c < K; c++) {
      const rate = covered.mondrian[c]! / count[c]!;
      const se = Math.sqrt((alpha * (1 - alpha)) / count[c]!) * 3; // trials share calibration sets: inflate
      expect(rate).toBeGreaterThanOrEqual(1 - alpha - 4 * se);
    }
    expect(covered.marginal[3]! / count[3]!).toBeLessThan(1 - alpha - 0.05);
  });
});

describe('coverage summaries', () => {
  it('count covered rows, set sizes and empty sets, with a Clopper–Pearson interval per group', () => {
    const sets = { n: 4, k: 2, mask: Uint8Array.from([1, 0, 1, 1, 0, 0, 0, 1]), sizes: Int32Array.from([1, 2, 0, 1]) };
    const all = setCoverage(sets, [0, 1, 0, 0]);
    expect(all).toMatchObject({ n: 4, covered: 2, coverage: 0.5, averageSetSize: 1, emptyRate: 0.25, setSizeCounts: [1, 2, 1] });
    expect(all.coverageInterval!.method).toBe('clopper-pearson');
    const groups = coverageByGroup(sets, [0, 1, 0, 0], [0, 0, 1, -1], ['a', 'b']);
    expect(groups.map((g) => [g.group, g.n, g.coverage, g.averageSetSize])).toEqual([['a', 2, 1, 1.5], ['b', 1, 0, 0]]);
    expect(coverageByGroup(sets, [0, 1, 0, 0], [0, 0, 0, 0], ['a', 'empty'])[1]).toMatchObject({ n: 0, coverage: null, coverageInterval: null });
  });
});

describe('group-conditional coverage', () => {
  it('holds ≥ 1 − α within each group of a known attribute, where one pooled q̂ under-covers the group the model serves worse', () => {
    const alpha = 0.1;
    const rng = new Rng(31);
    const covered = { pooled: [0, 0], grouped: [0, 0] };
    const count = [0, 0];
    for (let t = 0; t < 200; t++) {
      // group 1 (30% of rows): a third of its labels are random classes the model does not see coming
      const make = (n: number): { probs: Float64Array; labels: Int32Array; groups: Int32Array } => {
        const d = draw(rng, n, false);
        const groups = Int32Array.from({ length: n }, () => (rng.next() < 0.3 ? 1 : 0));
        for (let i = 0; i < n; i++) if (groups[i] === 1 && rng.next() < 0.33) d.labels[i] = rng.int(K);
        return { ...d, groups };
      };
      const cal = make(300);
      const test = make(200);
      for (const [kind, conditioning] of [['pooled', 'marginal'], ['grouped', 'group']] as const) {
        const model = calibrateConformalClassifier(cal.probs, K, cal.labels, { alpha, score: 'lac', conditioning }, cal.groups);
        coverageByGroup(predictSets(model, test.probs, test.groups), test.labels, test.groups, ['0', '1']).forEach((g, c) => {
          covered[kind][c] = covered[kind][c]! + g.covered;
          if (kind === 'pooled') count[c] = count[c]! + g.n;
        });
      }
    }
    for (let c = 0; c < 2; c++) {
      const se = Math.sqrt((alpha * (1 - alpha)) / count[c]!) * 3; // trials share calibration sets: inflate
      expect(covered.grouped[c]! / count[c]!).toBeGreaterThanOrEqual(1 - alpha - 4 * se);
    }
    expect(covered.pooled[1]! / count[1]!).toBeLessThan(1 - alpha - 0.03);
  });
});
