import { beforeAll, describe, expect, it } from 'vitest';
import { centralDifferences, crossEntropy64 } from '../../../test/support/tiny-nets.js';
import { Rng } from '../../rng.js';
import { initTf, tf } from '../../model/tfjs/backend.js';
import { TfjsLayersModel } from '../../model/tfjs/layers-model.js';
import { fit } from '../../train/fit.js';
import { composeLoss, crossEntropy } from '../../train/losses.js';
import type { HostBatch, TrainingData } from '../../train/types.js';
import { uniformBounds } from '../attacks/bounds.js';
import { adversarialTraining } from './adversarial-training.js';
import { evaluateRobustness } from './evaluate.js';
import { tradesKl, tradesTrainingTransform } from './trades.js';

/**
 * Closed-form oracles on a linear softmax classifier over 2 inputs, z = xW + b. With v = W[:,1] − W[:,0]
 * and s = 2y − 1, the cross-entropy's input gradient is (p₁ − y)·v, so the L∞ worst case within ε is
 * the corner x − ε·s·sign(v) (no clipping inside the wide bounds used here), and a row is robustly
 * right exactly when s·(x·v + b₁ − b₀) > ε‖v‖₁.
 */

const BOUNDS = uniformBounds(2, -10, 10);
const EPS = 0.1;

/** θ = [W00, W01, W10, W11, b0, b1] (W[input][class]). */
function logits64(theta: ArrayLike<number>, x0: number, x1: number): Float64Array {
  return Float64Array.of(x0 * theta[0]! + x1 * theta[2]! + theta[4]!, x0 * theta[1]! + x1 * theta[3]! + theta[5]!);
}

function linearModel(theta: readonly number[]): TfjsLayersModel {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [2], units: 2, activation: 'softmax', name: 'out' }));
  model.layers[0]!.setWeights([tf.tensor2d(theta.slice(0, 4), [2, 2]), tf.tensor1d(theta.slice(4))]);
  return new TfjsLayersModel(model);
}

function thetaOf(model: TfjsLayersModel): number[] {
  const w = model.getWeights();
  return [...w.get('out/kernel')!.data, ...w.get('out/bias')!.data];
}

/** x₁ carries a robust signal (±1, noise 0.5); x₂ a non-robust one (±0.08, noise 0.02 < ε). */
function twoFeatureData(seed: number, n: number): TrainingData {
  const rng = new Rng(seed);
  const x = new Float32Array(2 * n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    const s = 2 * y[i]! - 1;
    x[2 * i] = s + 0.5 * rng.normal();
    x[2 * i + 1] = 0.08 * s + 0.02 * rng.normal();
  }
  return { x: { data: x, shape: [n, 2] }, y };
}

function closedFormRobust(theta: readonly number[], data: TrainingData): { clean: number; robust: number } {
  const v = [theta[1]! - theta[0]!, theta[3]! - theta[2]!];
  const norm1 = Math.abs(v[0]!) + Math.abs(v[1]!);
  let clean = 0;
  let robust = 0;
  for (let i = 0; i < data.y.length; i++) {
    const z = logits64(theta, data.x.data[2 * i]!, data.x.data[2 * i + 1]!);
    const margin = (2 * data.y[i]! - 1) * (z[1]! - z[0]!);
    if (margin > 0) clean++;
    if (margin > EPS * norm1) robust++;
  }
  return { clean, robust };
}

describe('adversarial training on a linear classifier against closed forms', () => {
  beforeAll(async () => {
    await initTf('wasm');
  });

  it('one full-batch SGD step of PGD training equals a gradient step on CE at the L∞ corners x − ε·s·sign(v) (pure; mixed with clean rows at a larger training ε)', async () => {
    const theta0 = [0.4, -0.3, 0.9, 1.7, 0.1, -0.2];
    const data = twoFeatureData(1, 16);
    const held = twoFeatureData(2, 8);
    const lr = 0.5;
    const v = [theta0[1]! - theta0[0]!, theta0[3]! - theta0[2]!];
    for (const [cleanWeight, trainEps] of [[0, EPS], [0.5, 0.2]] as const) {
      const result = await adversarialTraining(linearModel(theta0), data, { x: held.x, labels: Int32Array.from(held.y) }, {
        epsilon: EPS,
        trainingEpsilon: trainEps,
        steps: 10,
        cleanWeight,
        epochs: 1,
        batchSize: 16,
        optimizer: { kind: 'sgd', learningRate: lr },
        bounds: BOUNDS,
        evaluationSteps: 20,
      });
      const loss = (theta: Float64Array): number => {
        let total = 0;
        for (let i = 0; i < 16; i++) {
          const y = data.y[i]!;
          const s = 2 * y - 1;
          const [a, b] = [data.x.data[2 * i]!, data.x.data[2 * i + 1]!];
          const adv = crossEntropy64(logits64(theta, a - trainEps * s * Math.sign(v[0]!), b - trainEps * s * Math.sign(v[1]!)), y);
          total += cleanWeight * crossEntropy64(logits64(theta, a, b), y) + (1 - cleanWeight) * adv;
        }
        return total / 16;
      };
      const grad = centralDifferences(loss, theta0, 1e-6);
      const got = thetaOf(result.model as TfjsLayersModel);
      theta0.forEach((t, k) => expect(got[k]!).toBeCloseTo(t - lr * grad[k]!, 5));
      expect(result.settings).toMatchObject({ method: 'pgd', epsilon: EPS, trainingEpsilon: trainEps, steps: 10, stepSize: (2.5 * trainEps) / 10, cleanWeight });
      expect(result.after.attack.epsilon).toBe(EPS);
    }
  });

  it('PGD-20 robust accuracy equals the closed form before and after training, and training moves the weight onto the robust feature', async () => {
    const theta0 = [0, 0, 0, 8, 0, 0]; // relies on the non-robust x₂ only
    const data = twoFeatureData(3, 192);
    const held = twoFeatureData(4, 400);
    const labels = Int32Array.from(held.y);
    const model = linearModel(theta0);
    const result = await adversarialTraining(model, data, { x: held.x, labels }, { epsilon: EPS, steps: 4, epochs: 10, batchSize: 96, seed: 2, optimizer: { kind: 'adam', learningRate: 0.15 }, bounds: BOUNDS });
    const before = closedFormRobust(theta0, held);
    const theta1 = thetaOf(result.model as TfjsLayersModel);
    const after = closedFormRobust(theta1, held);
    expect(result.before.accuracy.correct).toBe(before.clean);
    expect(result.before.robustAccuracy.correct).toBe(before.robust);
    expect(result.after.accuracy.correct).toBe(after.clean);
    expect(result.after.robustAccuracy.correct).toBe(after.robust);
    // x₂'s signal (0.08) is below ε: robust training must lean on x₁ (P(N(1, 0.5) > ε) ≈ 0.96 of rows robust at best)
    expect(before.clean / 400).toBeGreaterThan(0.97);
    expect(before.robust / 400).toBeLessThan(0.3);
    expect(after.robust / 400).toBeGreaterThan(0.85);
    expect(Math.abs(theta1[1]! - theta1[0]!)).toBeGreaterThan(Math.abs(theta1[3]! - theta1[2]!));
    expect(result.change.robustAccuracy.value).toBeCloseTo((after.robust - before.robust) / 400, 12);
    expect(result.change.robustAccuracy.interval.low).toBeGreaterThan(0);
    expect(result.after.robustAccuracy.interval.method).toBe('wilson');
    expect(result.change.accuracy.interval.method).toBe('newcombe-paired');
    // the model passed in is unchanged
    expect(thetaOf(model)).toEqual(theta0.map(Math.fround));
  });

  it('evaluateRobustness on fixed weights equals the closed form for any ε', async () => {
    const theta = [0.3, -1.2, 2.1, 0.4, 0.05, -0.1];
    const held = twoFeatureData(5, 300);
    for (const epsilon of [0.05, 0.2, 0.6]) {
      const e = await evaluateRobustness(linearModel(theta), held.x, Int32Array.from(held.y), { epsilon, bounds: BOUNDS });
      const v = [theta[1]! - theta[0]!, theta[3]! - theta[2]!];
      let robust = 0;
      for (let i = 0; i < 300; i++) {
        const z = logits64(theta, held.x.data[2 * i]!, held.x.data[2 * i + 1]!);
        if ((2 * held.y[i]! - 1) * (z[1]! - z[0]!) > epsilon * (Math.abs(v[0]!) + Math.abs(v[1]!))) robust++;
      }
      expect(e.robustAccuracy.correct).toBe(robust);
      expect(e.attack).toMatchObject({ method: 'pgd', steps: 20, epsilon });
    }
  });

  it('TRADES: adversarial rows land on an ε-corner of the KL ascent, and one SGD step equals the gradient step on CE(x) + β·KL(f(x) ‖ f(x′))', async () => {
    const theta0 = [0.4, -0.3, 0.9, 1.7, 0.1, -0.2];
    const data = twoFeatureData(6, 12);
    const beta = 3;
    const lr = 0.5;
    const attack = { epsilon: EPS, norm: 'linf' as const, steps: 10, stepSize: 0.025, randomStart: true };
    const inner = tradesTrainingTransform(attack, BOUNDS);
    let seen: HostBatch | undefined;
    const model = linearModel(theta0);
    await fit(model, data, composeLoss(crossEntropy(), [{ term: tradesKl(), lambda: beta }]), {
      epochs: 1,
      batchSize: 12,
      optimizer: { kind: 'sgd', learningRate: lr },
      transform: async (batch, context) => (seen = await inner(batch, context)),
    });
    const batch = seen!;
    expect(batch.y.length).toBe(24);
    const v = [theta0[1]! - theta0[0]!, theta0[3]! - theta0[2]!];
    const xs = Array.from({ length: 12 }, (_, i) => [batch.x[2 * i]!, batch.x[2 * i + 1]!] as const);
    const advs = Array.from({ length: 12 }, (_, i) => [batch.x[24 + 2 * i]!, batch.x[24 + 2 * i + 1]!] as const);
    for (let i = 0; i < 12; i++) {
      // the ascent moves z₁ − z₀ away from its clean value: δ = ±ε·sign(v), one orientation per row
      const o = Math.sign(advs[i]![0] - xs[i]![0]) * Math.sign(v[0]!);
      for (let j = 0; j < 2; j++) expect(advs[i]![j]! - xs[i]![j]!).toBeCloseTo(o * EPS * Math.sign(v[j]!), 6);
      expect(batch.weights[12 + i]).toBe(0);
    }
    const kl = (p: Float64Array, q: Float64Array): number => {
      const sm = (z: Float64Array): number[] => {
        const m = Math.max(...z);
        const e = Array.from(z, (u) => Math.exp(u - m));
        const s = e.reduce((a, b) => a + b, 0);
        return e.map((u) => u / s);
      };
      const [a, b] = [sm(p), sm(q)];
      return a.reduce((t, pa, k) => t + pa * Math.log(pa / b[k]!), 0);
    };
    const loss = (theta: Float64Array): number => {
      let total = 0;
      for (let i = 0; i < 12; i++) {
        const zc = logits64(theta, xs[i]![0], xs[i]![1]);
        total += crossEntropy64(zc, batch.y[i]!) + beta * kl(zc, logits64(theta, advs[i]![0], advs[i]![1]));
      }
      return total / 12;
    };
    const grad = centralDifferences(loss, theta0, 1e-6);
    const got = thetaOf(model);
    theta0.forEach((t, k) => expect(got[k]!).toBeCloseTo(t - lr * grad[k]!, 5));
  });
});
