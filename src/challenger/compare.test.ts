import { describe, expect, it } from 'vitest';
import { rocAuc } from '../math/metrics/roc-auc.js';
import type { LearnerFeature } from '../model/interpretable/binning.js';
import { Rng } from '../rng.js';
import { challengerBlocks } from './blocks.js';
import { compareChallengers, type ChallengerInputs } from './compare.js';
import { pairedDifferences } from './paired-bootstrap.js';

const features: LearnerFeature[] = [{ name: 'x', type: 'numeric' }, { name: 'z', type: 'numeric' }, { name: 'colour', type: 'categorical', categories: ['red', 'blue'] }];

/** label ~ σ(2x + z² − 1 + 0.8·blue); the "black box" is a noisy copy of the true probability. */
function inputs(seed: number): ChallengerInputs & { truth: Float64Array } {
  const rng = new Rng(seed);
  const make = (n: number): { raw: { data: Float64Array; nRows: number; nFeatures: number }; labels: Int32Array; p: Float64Array } => {
    const data = new Float64Array(n * 3);
    const labels = new Int32Array(n);
    const p = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x = rng.normal();
      const z = rng.normal();
      const c = rng.int(2);
      data.set([x, z, c], i * 3);
      p[i] = 1 / (1 + Math.exp(-(2 * x + z * z - 1 + 0.8 * c)));
      labels[i] = rng.next() < p[i]! ? 1 : 0;
    }
    return { raw: { data, nRows: n, nFeatures: 3 }, labels, p };
  };
  const train = make(2000);
  const audited = make(1000);
  const noisy = audited.p.map((v) => 1 / (1 + Math.exp(-(Math.log(v / (1 - v)) + 0.8 * rng.normal()))));
  return { features, classes: ['no', 'yes'], train, audited: { ...audited, rowIds: Int32Array.from({ length: 1000 }, (_, i) => 5000 + i) }, blackBox: { name: 'noisy oracle', scores: noisy }, truth: audited.p };
}

describe('compareChallengers', () => {
  const data = inputs(1);
  const comparison = compareChallengers(data, { seed: 3, iterations: 200, gam: { outerBags: 2, interactions: 1 } });

  it('reports each challenger and differences that are challenger − black box on the same rows', () => {
    expect(comparison.challengers.map((c) => c.kind)).toEqual(['gam', 'linear', 'tree']);
    comparison.challengers.forEach((c, k) => {
      expect(c.auc).toBeCloseTo(rocAuc(data.audited.labels, comparison.scores[k]!), 12);
      expect(c.differences!.auc.difference).toBeCloseTo(c.auc! - comparison.blackBox!.auc!, 12);
      expect(c.differences!.logLoss.difference).toBeCloseTo(c.logLoss - comparison.blackBox!.logLoss, 12);
      for (const d of Object.values(c.differences!)) {
        expect(d.interval.low).toBeLessThanOrEqual(d.difference!);
        expect(d.interval.high).toBeGreaterThanOrEqual(d.difference!);
        expect(d.interval.method).toBe('paired-percentile-bootstrap');
      }
    });
    // the GAM can represent z²; the linear model cannot, so the GAM wins and is "best"
    const [gam, linear] = comparison.challengers;
    expect(gam!.auc!).toBeGreaterThan(linear!.auc! + 0.02);
    expect(comparison.best).toBe('gam');
    expect(gam!.gam!.terms.some((t) => t.kind === 'main' && t.feature === 'z')).toBe(true);
    expect(comparison.challengers[2]!.tree!.depth).toBeLessThanOrEqual(4);
  });

  it('marks exactly the rows where the model and the best challenger decide differently', () => {
    const best = comparison.scores[0]!;
    const bb = data.blackBox!.scores;
    let count = 0;
    for (let i = 0; i < 1000; i++) {
      const differ = (bb[i]! >= 0.5) !== (best[i]! >= 0.5);
      expect(comparison.disagree![i]).toBe(differ ? 1 : 0);
      count += differ ? 1 : 0;
    }
    expect(comparison.disagreement!.rows).toBe(count);
    expect(count).toBeGreaterThan(0);
  });

  it('gives a zero difference with a degenerate interval for identical scorers, and is seeded', () => {
    const p = data.truth;
    const same = pairedDifferences(data.audited.labels, p, p, { iterations: 50, seed: 1 });
    for (const d of Object.values(same)) expect([d.difference, d.interval.low, d.interval.high]).toEqual([0, 0, 0]);
    const a = pairedDifferences(data.audited.labels, p, data.blackBox!.scores, { iterations: 100, seed: 4 });
    const b = pairedDifferences(data.audited.labels, p, data.blackBox!.scores, { iterations: 100, seed: 4 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    // the oracle beats its noisy copy, and the paired interval says so
    expect(a.auc.interval.low).toBeGreaterThan(0);
  });

  it('renders a verdict, a metrics table, shape charts, coefficients and the tree text', () => {
    const blocks = challengerBlocks(comparison);
    const text = blocks.filter((b) => b.kind === 'text').map((b) => (b.kind === 'text' ? b.markdown : '')).join('\n');
    expect(text).toMatch(/best challenger, a GAM/);
    expect(text).toMatch(/```\n(x|z|colour)/);
    expect(blocks.filter((b) => b.kind === 'chart').length).toBeGreaterThanOrEqual(3);
    const table = blocks.find((b) => b.kind === 'table');
    expect(table?.kind === 'table' && table.rows.length).toBe(4);
  });
});
