import { pathToFileURL } from 'node:url';
import { Rng } from '../src/rng.js';
import { calibrateConformalClassifier, predictSets } from '../src/uncertainty/conformal/split-conformal.js';
import type { ConformalClassifierOptions } from '../src/uncertainty/conformal/split-conformal.js';
import { coverageByGroup, setCoverage } from '../src/uncertainty/conformal/coverage.js';
import { conformalRank } from '../src/uncertainty/conformal/quantile.js';
import { absoluteResidualIntervals, cqrIntervals, intervalCoverage } from '../src/uncertainty/conformal/regression.js';
import { printResults, timeMedian, type BenchResult } from './types.js';

/**
 * Conformal coverage simulations (the figures in docs/uncertainty.md) and the speed of calibrating and
 * making sets. The "reference" of a coverage line is its theoretical value: E[coverage] =
 * ⌈(n+1)(1−α)⌉/(n+1) for continuous scores, within [1 − α, 1 − α + 1/(n+1)].
 */
const K = 10;
const ALPHA = 0.1;
const TRIALS = 1000;

/** Probabilities from random logits; labels from a sharpened softmax (a miscalibrated model); class 9 hard. */
function draw(rng: Rng, n: number): { probs: Float64Array; labels: Int32Array } {
  const probs = new Float64Array(n * K);
  const labels = new Int32Array(n);
  const truth = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    let truthSum = 0;
    for (let c = 0; c < K; c++) {
      const logit = 1.5 * rng.normal();
      probs[i * K + c] = Math.exp(logit);
      truth[c] = Math.exp(1.6 * logit);
      sum += probs[i * K + c]!;
      truthSum += truth[c]!;
    }
    let u = rng.next() * truthSum;
    let y = 0;
    while (y < K - 1 && u >= truth[y]!) u -= truth[y++]!;
    labels[i] = y;
    if (y === K - 1) {
      sum -= 0.7 * probs[i * K + y]!;
      probs[i * K + y] = 0.3 * probs[i * K + y]!;
    }
    for (let c = 0; c < K; c++) probs[i * K + c] = probs[i * K + c]! / sum;
  }
  return { probs, labels };
}

function fmt(x: number): string {
  return x.toFixed(4);
}

function simulate(name: string, options: Omit<ConformalClassifierOptions, 'alpha'>, nCal: number): BenchResult {
  const rng = new Rng(1);
  const coverage: number[] = [];
  const size: number[] = [];
  const hard: number[] = [];
  const start = process.hrtime.bigint();
  for (let t = 0; t < TRIALS; t++) {
    const cal = draw(rng, nCal);
    const test = draw(rng, 500);
    const sets = predictSets(calibrateConformalClassifier(cal.probs, K, cal.labels, { alpha: ALPHA, ...options, seed: t }), test.probs);
    const s = setCoverage(sets, test.labels);
    coverage.push(s.coverage!);
    size.push(s.averageSetSize!);
    const perClass = coverageByGroup(sets, test.labels, test.labels, Array.from({ length: K }, (_, c) => String(c)));
    if (perClass[K - 1]!.coverage !== null) hard.push(perClass[K - 1]!.coverage!);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const mean = coverage.reduce((a, b) => a + b, 0) / TRIALS;
  const sd = Math.sqrt(coverage.reduce((a, v) => a + (v - mean) ** 2, 0) / (TRIALS - 1));
  const expected = conformalRank(nCal, ALPHA) / (nCal + 1);
  return {
    name: `${name}, n_cal=${nCal}, ${TRIALS} splits`,
    ours: seconds,
    unit: 's',
    note: `mean coverage ${fmt(mean)} ± ${fmt(sd / Math.sqrt(TRIALS))} (${options.conditioning === 'class' ? `guarantee: ≥ ${fmt(1 - ALPHA)} within every class` : `theory ${fmt(expected)} for continuous scores; bounds ${fmt(1 - ALPHA)}–${fmt(1 - ALPHA + 1 / (nCal + 1))}`}); mean set size ${fmt(size.reduce((a, b) => a + b, 0) / TRIALS)}; hard class 9 coverage ${fmt(hard.reduce((a, b) => a + b, 0) / hard.length)}`,
  };
}

function simulateRegression(kind: 'residual' | 'cqr', nCal: number): BenchResult {
  const rng = new Rng(2);
  const coverage: number[] = [];
  const start = process.hrtime.bigint();
  const drawReg = (n: number) => {
    const x = Float64Array.from({ length: n }, () => rng.next());
    const mean = x.map((v) => Math.sin(2 * Math.PI * v));
    const y = mean.map((m, i) => m + (0.1 + x[i]!) * rng.normal());
    const half = x.map((v) => 0.6 * 1.645 * (0.1 + v));
    return { y, mean, lower: mean.map((m, i) => m - half[i]!), upper: mean.map((m, i) => m + half[i]!) };
  };
  for (let t = 0; t < TRIALS; t++) {
    const cal = drawReg(nCal);
    const test = drawReg(500);
    const intervals = kind === 'residual' ? absoluteResidualIntervals({ predictions: cal.mean, targets: cal.y }, test.mean, ALPHA) : cqrIntervals({ lower: cal.lower, upper: cal.upper, targets: cal.y }, test, ALPHA);
    coverage.push(intervalCoverage(intervals, test.y).coverage!);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const mean = coverage.reduce((a, b) => a + b, 0) / TRIALS;
  const sd = Math.sqrt(coverage.reduce((a, v) => a + (v - mean) ** 2, 0) / (TRIALS - 1));
  return { name: `${kind === 'cqr' ? 'CQR (bands 40% too narrow)' : 'absolute residual'}, heteroscedastic, n_cal=${nCal}, ${TRIALS} splits`, ours: seconds, unit: 's', note: `mean coverage ${fmt(mean)} ± ${fmt(sd / Math.sqrt(TRIALS))} (theory ${fmt(conformalRank(nCal, ALPHA) / (nCal + 1))})` };
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const nCal of [50, 200]) {
    results.push(simulate('LAC', { score: 'lac' }, nCal));
    results.push(simulate('APS', { score: 'aps' }, nCal));
    results.push(simulate('APS randomised', { score: 'aps', randomized: true }, nCal));
    results.push(simulate('RAPS λ=0.01 k_reg=2', { score: 'raps', lambda: 0.01, kReg: 2 }, nCal));
    results.push(simulate('RAPS randomised', { score: 'raps', lambda: 0.01, kReg: 2, randomized: true }, nCal));
    results.push(simulate('LAC class-conditional', { score: 'lac', conditioning: 'class' }, nCal * 10));
    results.push(simulateRegression('residual', nCal));
    results.push(simulateRegression('cqr', nCal));
  }
  const big = draw(new Rng(3), 100_000);
  const seconds = await timeMedian(() => predictSets(calibrateConformalClassifier(big.probs, K, big.labels, { alpha: ALPHA, score: 'raps', randomized: true }), big.probs), 3, 1);
  results.push({ name: 'RAPS randomised, calibrate + sets, 100k rows × 10 classes', ours: (2 * 100_000) / seconds, unit: 'rows/s', note: `${seconds.toFixed(3)} s` });
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printResults('conformal-coverage', await run());
}
