import { describe, expect, it } from 'vitest';
import { rings, precisionRecall } from '../../test/support/label-noise.js';
import { crossFitProbabilities } from './cross-fit.js';
import { findLabelIssues } from './find-label-issues.js';
import { gamLearner, logisticLearner } from './learners.js';

describe('gamLearner as a cross-fitted baseline', () => {
  const data = rings({ n: 1000, seed: 5 });
  const features = [
    { name: 'x1', type: 'numeric' as const },
    { name: 'x2', type: 'numeric' as const },
  ];

  it('separates rings, which no hyperplane separates, and finds the flipped labels (logistic regression cannot)', () => {
    const gam = crossFitProbabilities(data.x, data.n, 2, data.noisy, 2, { seed: 1, learner: gamLearner(features, { outerBags: 2, seed: 1 }) });
    const found = precisionRecall(findLabelIssues(gam.probabilities, data.noisy, 2).isIssue, data.flipped);
    expect(found.precision).toBeGreaterThanOrEqual(0.8);
    expect(found.recall).toBeGreaterThanOrEqual(0.8);
    const linear = crossFitProbabilities(data.x, data.n, 2, data.noisy, 2, { seed: 1, learner: logisticLearner() });
    expect(precisionRecall(findLabelIssues(linear.probabilities, data.noisy, 2).isIssue, data.flipped).recall).toBeLessThan(0.5);
  });

  it('reads missing values itself, and refuses more than two classes', () => {
    const x = Float64Array.from(data.x);
    x[0] = Number.NaN;
    expect(() => crossFitProbabilities(x, data.n, 2, data.noisy, 2, { learner: gamLearner(features, { outerBags: 1, interactions: 0 }) })).not.toThrow();
    expect(() => crossFitProbabilities(x, data.n, 2, data.noisy, 2)).toThrow(/Feature 0 of row 0 is NaN/);
    const three = Int32Array.from(data.noisy, (y, i) => (i % 50 === 0 ? 2 : y));
    expect(() => crossFitProbabilities(data.x, data.n, 2, three, 3, { learner: gamLearner(features) })).toThrow(/handles two classes/);
  });
});
