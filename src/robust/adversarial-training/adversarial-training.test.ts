import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mlpOnnx, randomMlp } from '../../../test/support/tiny-nets.js';
import { Rng } from '../../rng.js';
import { fnModel } from '../../model/fn.js';
import { loadOnnxModel } from '../../model/onnx.js';
import { initTf, tf } from '../../model/tfjs/backend.js';
import { reinitializeWeights } from '../../model/tfjs/init.js';
import { TfjsLayersModel } from '../../model/tfjs/layers-model.js';
import type { Model } from '../../model/model.js';
import type { Trainable } from '../../model/capabilities.js';
import { loadTrainableOnnx } from '../../train/onnx-trainable.js';
import type { TrainingData } from '../../train/types.js';
import { adversarialTraining, type AdversarialFineTuneOptions, type AdversarialTrainingProgress } from './adversarial-training.js';
import { tradesKl } from './trades.js';
import { composeLoss, crossEntropy } from '../../train/losses.js';
import { fit } from '../../train/fit.js';

/**
 * Points in [0, 1]⁴ with s = ±1 by class: x₀ = 0.5 + 0.2·s + N(0, 0.1) (robust at ε = 0.1 for most
 * rows), x₁ = 0.5 + 0.05·s + N(0, 0.01) (separates the classes cleanly, but ε = 0.1 flips it), x₂, x₃ noise.
 */
function unitData(seed: number, n: number): TrainingData & { labels: Int32Array } {
  const rng = new Rng(seed);
  const x = new Float32Array(4 * n);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
  const clip = (v: number): number => Math.min(1, Math.max(0, v));
  for (let i = 0; i < n; i++) {
    const s = 2 * labels[i]! - 1;
    x.set([clip(0.5 + 0.2 * s + 0.1 * rng.normal()), clip(0.5 + 0.05 * s + 0.01 * rng.normal()), rng.next(), rng.next()], 4 * i);
  }
  return { x: { data: x, shape: [n, 4] }, y: Float32Array.from(labels), labels };
}

function dropoutMlp(seed: number): TfjsLayersModel {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu', name: 'hidden' }));
  model.add(tf.layers.dropout({ rate: 0.3, name: 'drop' }));
  model.add(tf.layers.dense({ units: 2, activation: 'softmax', name: 'out' }));
  reinitializeWeights(model, seed);
  return new TfjsLayersModel(model);
}

function weightHash(model: Model & Trainable): string {
  const hash = createHash('sha256');
  for (const [name, t] of [...model.getWeights()].sort(([a], [b]) => a.localeCompare(b))) hash.update(name).update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  return hash.digest('hex');
}

const train = unitData(1, 96);
const held = unitData(2, 64);
const heldOut = { x: held.x, labels: held.labels };
const quick: AdversarialFineTuneOptions = { epsilon: 0.1, steps: 3, epochs: 2, batchSize: 32, evaluationSteps: 5 };

describe('adversarialTraining: determinism, ONNX write-back, bad input', () => {
  let dir: string;
  beforeAll(async () => {
    await initTf('wasm');
    dir = await mkdtemp(join(tmpdir(), 'glassbox-advtrain-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('same seed gives the same weights (PGD with clean mix, TRADES; TF.js with dropout), another seed other weights; the input model is untouched', async () => {
    const model = dropoutMlp(3);
    const original = weightHash(model);
    for (const extra of [{ method: 'pgd' as const, cleanWeight: 0.5 }, { method: 'trades' as const, beta: 2 }]) {
      const run = async (seed: number) => weightHash((await adversarialTraining(model, train, heldOut, { ...quick, ...extra, epochs: 1, evaluationSteps: 1, seed })).model);
      const [a, b, c] = [await run(1), await run(1), await run(2)];
      expect(a).toBe(b);
      expect(a).not.toBe(c);
      expect(a).not.toBe(original);
    }
    expect(weightHash(model)).toBe(original);
  });

  it('reports progress through the three stages in order, and the result records settings, seed and intervals', async () => {
    const seen: AdversarialTrainingProgress[] = [];
    const result = await adversarialTraining(dropoutMlp(4), train, heldOut, { ...quick, method: 'trades', seed: 5, onProgress: (p) => seen.push(p) });
    const stages = seen.map((p) => p.stage).filter((s, i, all) => all[i - 1] !== s);
    expect(stages).toEqual(['evaluate-before', 'train', 'evaluate-after']);
    const lastTrain = seen.filter((p) => p.stage === 'train').at(-1)!;
    expect(lastTrain.done).toBe(lastTrain.total);
    expect(lastTrain.training?.penalties['trades-kl']).toBeGreaterThanOrEqual(0);
    expect(result.settings).toEqual({ method: 'trades', epsilon: 0.1, trainingEpsilon: 0.1, norm: 'linf', steps: 3, stepSize: (2.5 * 0.1) / 3, randomStart: true, beta: 6 });
    expect(result.seed).toBe(5);
    expect(result.before.attack).toMatchObject({ method: 'pgd', steps: 5, epsilon: 0.1, seed: 5 });
    expect(result.before.robustAccuracy.interval.method).toBe('wilson');
    expect(result.change.robustAccuracy.value).toBeCloseTo(result.after.robustAccuracy.value - result.before.robustAccuracy.value, 12);
    expect(result.training.epochsRun).toBe(2);
  });

  it('ONNX trains as the same network in TF.js does (same seed, same steps), and the written file runs in onnxruntime with the tuned predictions; same seed, same bytes', async () => {
    const w = randomMlp(7, 4, 6, 2);
    const tfjsTwin = tf.sequential();
    tfjsTwin.add(tf.layers.dense({ inputShape: [4], units: 6, activation: 'relu', name: 'fc1' }));
    tfjsTwin.add(tf.layers.dense({ units: 2, activation: 'softmax', name: 'fc2' }));
    tfjsTwin.layers[0]!.setWeights([tf.tensor2d(w.w1, [4, 6]), tf.tensor1d(w.b1)]);
    tfjsTwin.layers[1]!.setWeights([tf.tensor2d(w.w2, [6, 2]), tf.tensor1d(w.b2)]);
    const options: AdversarialFineTuneOptions = { ...quick, epochs: 3, seed: 3, optimizer: { kind: 'sgd', learningRate: 0.5 } };
    const tune = async () => adversarialTraining(await loadTrainableOnnx(mlpOnnx(w, 'softmax')), train, heldOut, options);
    const result = await tune();
    const twin = await adversarialTraining(new TfjsLayersModel(tfjsTwin), train, heldOut, options);
    const onnxWeights = result.model.getWeights();
    const tfjsWeights = twin.model.getWeights();
    const pairs = [['w1', 'fc1/kernel'], ['b1', 'fc1/bias'], ['w2', 'fc2/kernel'], ['b2', 'fc2/bias']] as const;
    let moved = 0;
    for (const [o, t] of pairs) {
      const a = onnxWeights.get(o)!.data;
      const b = tfjsWeights.get(t)!.data;
      a.forEach((v, k) => expect(v).toBeCloseTo(b[k]!, 4));
      const start = w[o === 'w1' ? 'w1' : o === 'b1' ? 'b1' : o === 'w2' ? 'w2' : 'b2'];
      moved = Math.max(moved, ...Array.from(a, (v, k) => Math.abs(v - start[k]!)));
    }
    expect(moved).toBeGreaterThan(0.05);
    expect(result.after.robustAccuracy.correct).toBe(twin.after.robustAccuracy.correct);
    const path = join(dir, 'robust.onnx');
    await result.model.save(path);
    const written = new Uint8Array(await readFile(path));
    const reloaded = await (await loadOnnxModel(written)).predict(held.x);
    const tuned = await result.model.predict(held.x);
    for (let i = 0; i < tuned.length; i++) expect(reloaded[i]!).toBeCloseTo(tuned[i]!, 5);
    const again = await tune();
    const path2 = join(dir, 'robust2.onnx');
    await again.model.save(path2);
    expect(createHash('sha256').update(await readFile(path2)).digest('hex')).toBe(createHash('sha256').update(written).digest('hex'));
  });

  it('refuses bad input before any gradient pass, naming the argument', async () => {
    const model = dropoutMlp(6);
    const bad = (options: Partial<AdversarialFineTuneOptions>) => adversarialTraining(model, train, heldOut, { ...quick, ...options } as AdversarialFineTuneOptions);
    await expect(bad({ epsilon: 0 })).rejects.toMatchObject({ code: 'invalid_argument', details: { argument: 'epsilon' } });
    await expect(bad({ epsilon: -0.1 })).rejects.toThrow(/epsilon must be a finite number > 0/);
    await expect(bad({ epsilon: Number.NaN })).rejects.toThrow(/epsilon/);
    await expect(bad({ trainingEpsilon: 0 })).rejects.toMatchObject({ details: { argument: 'trainingEpsilon' } });
    await expect(bad({ steps: 0 })).rejects.toMatchObject({ details: { argument: 'steps' } });
    await expect(bad({ beta: 1 })).rejects.toThrow(/beta is the TRADES trade-off/);
    await expect(bad({ method: 'trades', beta: -1 })).rejects.toMatchObject({ details: { argument: 'beta' } });
    await expect(bad({ method: 'trades', cleanWeight: 0.5 })).rejects.toMatchObject({ details: { argument: 'cleanWeight' } });
    await expect(bad({ cleanWeight: 1 })).rejects.toMatchObject({ details: { argument: 'cleanWeight' } });
    await expect(bad({ method: 'fgsm' as never })).rejects.toThrow(/unknown method 'fgsm'/);
    const opaque = fnModel({ predict: (x, n) => Float32Array.from({ length: 2 * n }, (_, k) => (k % 2 === 0 ? 0.3 : 0.7)), inputWidth: 4, task: 'binary', classes: ['0', '1'] });
    await expect(adversarialTraining(opaque, train, heldOut, quick)).rejects.toMatchObject({ code: 'missing_capability', message: expect.stringMatching(/not Trainable/) });
    const outside = { x: { data: held.x.data.map((v, k) => (k === 9 ? 1.5 : v)), shape: held.x.shape }, labels: held.labels };
    await expect(adversarialTraining(model, train, outside, quick)).rejects.toThrow(/input row 2, element 1 = 1.5 lies outside the valid range/);
    await expect(adversarialTraining(model, train, { ...heldOut, labels: held.labels.map(() => 7) }, quick)).rejects.toThrow(/label 7 of row 0/);
    await expect(adversarialTraining(model, { ...train, y: train.y.map(() => 3) }, heldOut, quick)).rejects.toThrow(/label 3 at row 0/);
    await expect(fit(model, train, composeLoss(crossEntropy(), [{ term: tradesKl(), lambda: 1 }]), { epochs: 1 })).rejects.toThrow(/not a TRADES batch/);
  });

  it('cancellation during training throws `cancelled`, returns nothing and leaves the input model as it was', async () => {
    const model = dropoutMlp(8);
    const original = weightHash(model);
    const controller = new AbortController();
    const run = adversarialTraining(model, train, heldOut, { ...quick, signal: controller.signal, onProgress: (p) => p.stage === 'train' && p.done === 2 && controller.abort() });
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(weightHash(model)).toBe(original);
  });
});
