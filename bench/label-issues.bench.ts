import { pathToFileURL } from 'node:url';
import { crossFitProbabilities } from '../src/labels/cross-fit.js';
import { findLabelIssues } from '../src/labels/find-label-issues.js';
import { quadraticLogisticLearner } from '../src/labels/learners.js';
import { argmaxOfRows } from '../src/math/argmax-rows.js';
import { gaussianBlobs, precisionRecall, rings } from '../test/support/label-noise.js';
import type { NoisyData } from '../test/support/label-noise.js';
import { printResults } from './types.js';
import type { BenchResult } from './types.js';

const SEEDS = Array.from({ length: 10 }, (_, i) => 100 + i);

/** The generators of docs/label-issues.md's recovery table: 5 % of the labels flipped at random. */
const GENERATORS: readonly (readonly [string, (seed: number) => NoisyData, boolean])[] = [
  ['3 blobs 2-D ≥ 5σ, n=1000', (seed) => gaussianBlobs({ n: 1000, d: 2, k: 3, minDistance: 5, seed }), false],
  ['3 blobs 2-D ≥ 3.5σ, n=1000', (seed) => gaussianBlobs({ n: 1000, d: 2, k: 3, minDistance: 3.5, seed }), false],
  ['5 imbalanced blobs 10-D ≥ 4σ, n=2000', (seed) => gaussianBlobs({ n: 2000, d: 10, k: 5, minDistance: 4, weights: [0.4, 0.25, 0.15, 0.12, 0.08], seed }), false],
  ['5 imbalanced blobs 10-D ≥ 3σ, n=2000', (seed) => gaussianBlobs({ n: 2000, d: 10, k: 5, minDistance: 3, weights: [0.4, 0.25, 0.15, 0.12, 0.08], seed }), false],
  ['2 blobs 20-D ≥ 4σ, n=1000', (seed) => gaussianBlobs({ n: 1000, d: 20, k: 2, minDistance: 4, seed }), false],
  ['rings + 2 noise dims, quadratic baseline, n=1000', (seed) => rings({ n: 1000, extra: 2, seed }), true],
];

const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const f3 = (x: number): string => x.toFixed(3);

/**
 * Flipped-label recovery: per generator, 10 seeds of 5-fold cross-fitting + confident learning
 * (prune_by_noise_rate). The time is the mean per dataset (cross-fitting included); the note gives mean
 * (min) precision and recall beside the naive "out-of-fold prediction ≠ label" rule's.
 */
export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const [name, make, quadratic] of GENERATORS) {
    const cl = { p: [] as number[], r: [] as number[] };
    const naive = { p: [] as number[], r: [] as number[] };
    let seconds = 0;
    for (const seed of SEEDS) {
      const data = make(seed);
      const start = process.hrtime.bigint();
      const fitted = crossFitProbabilities(data.x, data.n, data.d, data.noisy, data.k, { seed: 0, ...(quadratic ? { learner: quadraticLogisticLearner() } : {}) });
      const found = findLabelIssues(fitted.probabilities, data.noisy, data.k);
      seconds += Number(process.hrtime.bigint() - start) / 1e9;
      const a = precisionRecall(found.isIssue, data.flipped);
      const predicted = argmaxOfRows(fitted.probabilities, data.n, data.k);
      const b = precisionRecall(Uint8Array.from(predicted, (p, i) => (p !== data.noisy[i] ? 1 : 0)), data.flipped);
      cl.p.push(a.precision);
      cl.r.push(a.recall);
      naive.p.push(b.precision);
      naive.r.push(b.recall);
    }
    results.push({
      name: `${name}, ${SEEDS.length} seeds`,
      ours: seconds / SEEDS.length,
      unit: 's',
      note: `precision ${f3(mean(cl.p))} (min ${f3(Math.min(...cl.p))}), recall ${f3(mean(cl.r))} (min ${f3(Math.min(...cl.r))}); naive rule precision ${f3(mean(naive.p))} (min ${f3(Math.min(...naive.p))}), recall ${f3(mean(naive.r))}`,
    });
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printResults('Label issues: recovery of randomly flipped labels', await run());
}
