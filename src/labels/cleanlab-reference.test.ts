import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { calibrateConfidentJoint, confidentJoint, confidentThresholds } from './confident-joint.js';
import { findLabelIssues } from './find-label-issues.js';
import { checkLabelledProbabilities } from './inputs.js';
import { noiseEstimates } from './noise-matrix.js';
import { FILTER_BY } from './prune.js';
import { labelQualityScores, RANK_BY } from './quality-scores.js';

/** Written by scripts/reference/cleanlab_label_issues.py from cleanlab's own source (commit in meta). */
interface Case {
  n: number;
  k: number;
  probabilities: number[];
  labels: number[];
  thresholds: number[];
  confidentJoint: number[];
  calibratedJoint: number[];
  prune_by_noise_rate: number[];
  prune_by_class: number[];
  both: number[];
  prune_by_noise_rate_half: number[];
  prune_by_class_half: number[];
  both_half: number[];
  ranked_self_confidence: number[];
  ranked_normalized_margin: number[];
  scores_self_confidence: number[];
  scores_normalized_margin: number[];
  noiseMatrix: number[];
  inverseNoiseMatrix: number[];
  prior: number[];
}
const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/cleanlab/label-issues.json', import.meta.url), 'utf8')) as { cases: Case[] };

const transpose = (m: ArrayLike<number>, k: number): number[] => Array.from({ length: k * k }, (_, idx) => m[(idx % k) * k + Math.floor(idx / k)]!);
const closeTo = (actual: ArrayLike<number>, expected: readonly number[], tol = 1e-12): void => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs(actual[i]! - e)).toBeLessThanOrEqual(tol));
};

describe('confident learning agrees with cleanlab', () => {
  it.each(fixture.cases.map((c, i) => [`case ${i}: n=${c.n}, k=${c.k}`, c] as const))('%s', (_name, c) => {
    const input = checkLabelledProbabilities(c.probabilities, c.labels, c.k);
    closeTo(confidentThresholds(input), c.thresholds);
    const joint = confidentJoint(input);
    expect(Array.from(joint.counts)).toEqual(c.confidentJoint);
    const calibrated = calibrateConfidentJoint(joint.counts, input.labels, c.k);
    expect(Array.from(calibrated)).toEqual(c.calibratedJoint);
    for (const filterBy of FILTER_BY) {
      const result = findLabelIssues(c.probabilities, c.labels, c.k, { filterBy });
      expect(Array.from(result.isIssue.keys()).filter((i) => result.isIssue[i])).toEqual(c[filterBy]);
      const half = findLabelIssues(c.probabilities, c.labels, c.k, { filterBy, fracNoise: 0.5, minExamplesPerClass: 5 });
      expect(Array.from(half.isIssue.keys()).filter((i) => half.isIssue[i])).toEqual(c[`${filterBy}_half`]);
    }
    for (const rankBy of RANK_BY) {
      closeTo(labelQualityScores(input.probabilities, input.labels, c.k, rankBy), c[`scores_${rankBy}`]);
      expect(Array.from(findLabelIssues(c.probabilities, c.labels, c.k, { rankBy }).issues)).toEqual(c[`ranked_${rankBy}`]);
    }
    const estimates = noiseEstimates(calibrated, input.labels, c.k);
    closeTo(estimates.noiseMatrix, c.noiseMatrix);
    closeTo(estimates.inverseNoiseMatrix, transpose(c.inverseNoiseMatrix, c.k));
    closeTo(estimates.prior, c.prior);
  });
});
