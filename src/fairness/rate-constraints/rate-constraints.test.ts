import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { initTf, tf } from '../../model/tfjs/backend.js';
import { reinitializeWeights } from '../../model/tfjs/init.js';
import { TfjsLayersModel } from '../../model/tfjs/layers-model.js';
import { decide, positiveScores } from '../fine-tune.js';
import type { GroupedRows } from '../fine-tune.js';
import { minDiffFineTune } from '../mindiff/fine-tune-mindiff.js';
import { rateConstrainedFineTune } from './fine-tune-rate-constrained.js';
import { groupRatesOf, maxViolation } from './rates.js';

/**
 * A planted FPR gap: group 1 (half the rows) has a higher base rate, y = 1[x + 1.6·g − 0.8 + ε > 0], and the model
 * sees [x, g]; a model fitted to it raises every group-1 score, negatives included, so group 1's FPR is
 * well above group 0's.
 */
function planted(seed: number, n: number): GroupedRows {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 2);
  const y = new Uint8Array(n);
  const groups = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const g = rng.next() < 0.5 ? 1 : 0;
    const v = rng.normal();
    x[2 * i] = v;
    x[2 * i + 1] = g;
    groups[i] = g;
    y[i] = v + 1.6 * g - 0.8 + 0.8 * rng.normal() > 0 ? 1 : 0;
  }
  return { x: { data: x, shape: [n, 2] }, y, groups };
}

async function fittedModel(rows: GroupedRows): Promise<TfjsLayersModel> {
  const net = tf.sequential();
  net.add(tf.layers.dense({ inputShape: [2], units: 8, activation: 'tanh', name: 'h' }));
  net.add(tf.layers.dense({ units: 2, activation: 'softmax', name: 'out' }));
  reinitializeWeights(net, 1);
  const model = new TfjsLayersModel(net, { classes: ['0', '1'] });
  await model.fit(rows.x, Float32Array.from(rows.y), { epochs: 15, batchSize: 64, learningRate: 0.02, seed: 1 });
  return model;
}

async function fprGap(model: TfjsLayersModel, rows: GroupedRows): Promise<{ gap: number; accuracy: number; negatives: [number, number] }> {
  const scores = await positiveScores(model, rows.x);
  const d = decide(scores, 0.5);
  let correct = 0;
  d.forEach((v, i) => (correct += v === rows.y[i] ? 1 : 0));
  const negatives: [number, number] = [0, 0];
  rows.y.forEach((v, i) => v === 0 && negatives[rows.groups[i]! as 0 | 1]++);
  return { gap: maxViolation(groupRatesOf('fpr', scores, rows.y, rows.groups, 2, 0.5), 0), accuracy: correct / rows.y.length, negatives };
}

describe('fairness fine-tuning on a planted FPR gap', () => {
  let train: GroupedRows;
  let heldOut: GroupedRows;
  let model: TfjsLayersModel;
  beforeAll(async () => {
    await initTf('wasm');
    train = planted(1, 1500);
    heldOut = planted(2, 3000);
    model = await fittedModel(train);
  }, 60_000);

  it('the rate constraint FPR difference ≤ 0.05 holds on held-out rows (within binomial error); the plain model breaks it', async () => {
    const before = await fprGap(model, heldOut);
    expect(before.gap).toBeGreaterThan(0.15);
    const bound = 0.05;
    const result = await rateConstrainedFineTune(model, train, { rate: 'fpr', bound, epochs: 12, batchSize: 128, learningRate: 0.01, seed: 0 });
    const after = await fprGap(result.model as TfjsLayersModel, heldOut);
    // sd of a difference of two held-out FPRs near 0.2: √(p(1−p)/n0 + p(1−p)/n1)
    const sd = Math.sqrt(0.16 / before.negatives[0] + 0.16 / before.negatives[1]);
    expect(after.gap).toBeLessThanOrEqual(bound + 2.5 * sd);
    expect(result.validation.feasible).toBe(true);
    expect(result.multipliers.values.some((v) => v > 0)).toBe(true);
    expect(after.accuracy).toBeGreaterThan(0.6);
  }, 60_000);

  it('MinDiff on the negatives narrows the FPR gap; the same seed gives the same weights, byte for byte', async () => {
    const before = await fprGap(model, heldOut);
    const options = { lambda: 5, epochs: 8, batchSize: 128, seed: 3 } as const;
    const a = await minDiffFineTune(model, train, options);
    const after = await fprGap(a.model as TfjsLayersModel, heldOut);
    expect(after.gap).toBeLessThan(before.gap / 2);
    const b = await minDiffFineTune(model, train, options);
    const bytes = (m: typeof a.model): number[] => [...m.getWeights().values()].flatMap((t) => Array.from(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)));
    expect(bytes(b.model)).toEqual(bytes(a.model));
  }, 60_000);

  it('refuses a bound outside [0, 1) before training', async () => {
    await expect(rateConstrainedFineTune(model, train, { rate: 'fpr', bound: 1.5 })).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});
