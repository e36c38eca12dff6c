import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import type { Tensor } from '../model/tensor.js';
import { initTf, tf } from '../model/tfjs/backend.js';
import { reinitializeWeights } from '../model/tfjs/init.js';
import { TfjsLayersModel } from '../model/tfjs/layers-model.js';
import { loadTfjsLayersModel } from '../model/tfjs/load.js';
import { isTrainable } from '../model/capabilities.js';
import { fit } from './fit.js';
import { composeLoss, crossEntropy, squaredError } from './losses.js';
import { outputL2 } from './penalties.js';
import type { HostBatch, TrainingData } from './types.js';

function blobs(seed: number, n: number): TrainingData {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 4);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y[i] = c;
    for (let j = 0; j < 4; j++) x[i * 4 + j] = rng.normal() * 0.7 + (j === c ? 2 : 0);
  }
  return { x: { data: x, shape: [n, 4] }, y };
}

function mlp(seed: number, options: { dropout?: boolean; hidden?: boolean } = {}): TfjsLayersModel {
  const model = tf.sequential();
  if (options.hidden !== false) model.add(tf.layers.dense({ inputShape: [4], units: 6, activation: 'tanh', name: 'hidden' }));
  if (options.dropout) model.add(tf.layers.dropout({ rate: 0.3, name: 'drop' }));
  model.add(tf.layers.dense({ ...(options.hidden === false ? { inputShape: [4] } : {}), units: 3, activation: 'softmax', name: 'out' }));
  reinitializeWeights(model, seed);
  return new TfjsLayersModel(model);
}

function weightBytes(model: TfjsLayersModel): string {
  const hash = createHash('sha256');
  for (const [name, t] of model.getWeights()) hash.update(name).update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  return hash.digest('hex');
}

const ce = composeLoss(crossEntropy());

describe('fit (TF.js)', () => {
  beforeAll(async () => {
    await initTf('wasm');
  });

  it('one SGD step equals the closed-form softmax cross-entropy gradient step', async () => {
    const data = blobs(1, 8);
    const model = mlp(2, { hidden: false });
    const before = model.getWeights();
    const W = before.get('out/kernel')!.data;
    const b = before.get('out/bias')!.data;
    const lr = 0.5;
    await fit(model, data, ce, { epochs: 1, batchSize: 8, optimizer: { kind: 'sgd', learningRate: lr } });
    // dL/dW = Xᵀ(P − Y)/m, dL/db = Σ(P − Y)/m for the mean cross-entropy over the batch
    const gW = new Float64Array(12);
    const gb = new Float64Array(3);
    for (let i = 0; i < 8; i++) {
      const z = [0, 1, 2].map((k) => b[k]! + [0, 1, 2, 3].reduce((s, j) => s + data.x.data[i * 4 + j]! * W[j * 3 + k]!, 0));
      const mx = Math.max(...z);
      const e = z.map((v) => Math.exp(v - mx));
      const sum = e.reduce((s, v) => s + v, 0);
      for (let k = 0; k < 3; k++) {
        const d = (e[k]! / sum - (data.y[i] === k ? 1 : 0)) / 8;
        gb[k]! += d;
        for (let j = 0; j < 4; j++) gW[j * 3 + k]! += data.x.data[i * 4 + j]! * d;
      }
    }
    const after = model.getWeights();
    for (let q = 0; q < 12; q++) expect(after.get('out/kernel')!.data[q]!).toBeCloseTo(W[q]! - lr * gW[q]!, 5);
    for (let k = 0; k < 3; k++) expect(after.get('out/bias')!.data[k]!).toBeCloseTo(b[k]! - lr * gb[k]!, 5);
  });

  it('SGD with momentum accumulates velocity: two steps on a fixed batch match v ← μv + g, w ← w − ηv', async () => {
    const data = blobs(3, 6);
    const lr = 0.1;
    const mu = 0.9;
    // the same model trained by plain SGD one step at a time yields the two gradients
    const probe = mlp(4, { hidden: false });
    const w0 = probe.getWeights().get('out/bias')!.data;
    await fit(probe, data, ce, { epochs: 1, batchSize: 6, optimizer: { kind: 'sgd', learningRate: 1 } });
    const w1plain = probe.getWeights().get('out/bias')!.data;
    const g1 = w0.map((v, k) => v - w1plain[k]!);
    const model = mlp(4, { hidden: false });
    await fit(model, data, ce, { epochs: 2, batchSize: 6, optimizer: { kind: 'sgd', learningRate: lr, momentum: mu } });
    // after one momentum step w1 = w0 − η g1 (v1 = g1); compute g2 at w1 with a fresh plain-SGD probe
    const step1 = mlp(4, { hidden: false });
    await fit(step1, data, ce, { epochs: 1, batchSize: 6, optimizer: { kind: 'sgd', learningRate: lr, momentum: mu } });
    const w1 = step1.getWeights();
    const probe2 = mlp(4, { hidden: false });
    await probe2.setWeights(w1);
    await fit(probe2, data, ce, { epochs: 1, batchSize: 6, optimizer: { kind: 'sgd', learningRate: 1 } });
    const g2 = w1.get('out/bias')!.data.map((v, k) => v - probe2.getWeights().get('out/bias')!.data[k]!);
    const w2 = model.getWeights().get('out/bias')!.data;
    for (let k = 0; k < 3; k++) expect(w2[k]!).toBeCloseTo(w0[k]! - lr * g1[k]! - lr * (mu * g1[k]! + g2[k]!), 5);
  });

  it('same seed gives the same weight bytes (with dropout and Adam); another seed does not', async () => {
    const data = blobs(5, 90);
    const run = async (seed: number): Promise<string> => {
      const model = mlp(7, { dropout: true });
      await fit(model, data, ce, { epochs: 3, batchSize: 16, seed, optimizer: { kind: 'adam', learningRate: 0.01 } });
      return weightBytes(model);
    };
    const a = await run(1);
    expect(await run(1)).toBe(a);
    expect(await run(2)).not.toBe(a);
  });

  it('training lowers the loss, and a large λ on the output-L2 penalty shrinks the logits', async () => {
    const data = blobs(8, 120);
    const plain = mlp(9);
    const result = await fit(plain, data, ce, { epochs: 15, batchSize: 20, seed: 0, optimizer: { kind: 'adam', learningRate: 0.05 } });
    expect(result.history[14]!.taskLoss).toBeLessThan(result.history[0]!.taskLoss * 0.6);
    const squashed = mlp(9);
    const loss = composeLoss(crossEntropy(), [{ term: outputL2(), lambda: 1 }]);
    const r2 = await fit(squashed, data, loss, { epochs: 15, batchSize: 20, seed: 0, optimizer: { kind: 'adam', learningRate: 0.05 } });
    const last = r2.history[14]!;
    expect(last.loss).toBeCloseTo(last.taskLoss + last.penalties['output-l2-logits']!, 5);
    const norm = async (m: TfjsLayersModel): Promise<number> => {
      const z = await m.logits(data.x);
      return z.reduce((s, v) => s + v * v, 0) / 120;
    };
    expect(await norm(squashed)).toBeLessThan((await norm(plain)) * 0.5);
  });

  it('early stopping keeps the best epoch: the weights equal a run stopped there', async () => {
    const data = blobs(11, 60);
    const script = [3, 2, 2.5, 2.6, 2.7, 1];
    let calls = 0;
    const monitor = (): number => script[calls++]!;
    const model = mlp(12);
    const options = { batchSize: 16, seed: 4, validation: { fraction: 0.25 }, optimizer: { kind: 'adam', learningRate: 0.02 } } as const;
    const result = await fit(model, data, ce, { ...options, epochs: 6, monitor, earlyStopping: { patience: 2 } });
    expect(result).toMatchObject({ epochsRun: 4, bestEpoch: 2, stoppedEarly: true, trainRows: 45, validationRows: 15 });
    const twoEpochs = mlp(12);
    await fit(twoEpochs, data, ce, { ...options, epochs: 2 });
    expect(weightBytes(model)).toBe(weightBytes(twoEpochs));
  });

  it('a batch transform sees every batch; added zero-weight rows leave cross-entropy training unchanged', async () => {
    const data = blobs(13, 50);
    const seen: number[] = [];
    const pad = (batch: HostBatch): HostBatch => {
      seen.push(batch.y.length);
      const m = batch.y.length;
      return { ...batch, x: Float32Array.from([...batch.x, ...batch.x]), shape: [2 * m, 4], y: Float32Array.from([...batch.y, ...batch.y.map((v) => (v + 1) % 3)]), weights: Float32Array.from([...batch.weights, ...new Float32Array(m)]), rows: Int32Array.from([...batch.rows, ...new Int32Array(m).fill(-1)]) };
    };
    const a = mlp(14);
    const b = mlp(14);
    await fit(a, data, ce, { epochs: 2, batchSize: 16, seed: 1 });
    await fit(b, data, ce, { epochs: 2, batchSize: 16, seed: 1, transform: pad });
    expect(seen).toEqual([16, 16, 16, 2, 16, 16, 16, 2]);
    const pa = await a.predict(data.x);
    const pb = await b.predict(data.x);
    for (let i = 0; i < pa.length; i++) expect(pb[i]!).toBeCloseTo(pa[i]!, 5);
  });

  it('cancellation puts the weights back and reports progress per batch and epoch', async () => {
    const data = blobs(15, 64);
    const model = mlp(16);
    const before = weightBytes(model);
    const controller = new AbortController();
    const kinds: string[] = [];
    await expect(
      fit(model, data, ce, {
        epochs: 5,
        batchSize: 16,
        signal: controller.signal,
        onProgress: (p) => {
          kinds.push(`${p.kind}${p.epoch}.${p.batch}`);
          if (p.kind === 'epoch' && p.epoch === 2) controller.abort();
        },
      }),
    ).rejects.toMatchObject({ code: 'cancelled' });
    expect(kinds.slice(0, 5)).toEqual(['batch1.1', 'batch1.2', 'batch1.3', 'batch1.4', 'epoch1.4']);
    expect(weightBytes(model)).toBe(before);
  });

  it('refuses bad labels, weights and options before training', async () => {
    const data = blobs(17, 10);
    const model = mlp(18);
    const y = Float32Array.from(data.y);
    y[4] = 3;
    await expect(fit(model, { ...data, y }, ce)).rejects.toMatchObject({ code: 'invalid_input', details: { row: 4 } });
    await expect(fit(model, { ...data, sampleWeights: new Float32Array(9) }, ce)).rejects.toMatchObject({ code: 'shape_mismatch' });
    await expect(fit(model, data, ce, { earlyStopping: {} })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(fit(model, data, ce, { optimizer: { kind: 'sgd', momentum: 1.5 } })).rejects.toMatchObject({ code: 'invalid_argument' });
    const x: Tensor = { data: new Float32Array(40), shape: [10, 4] };
    expect(() => composeLoss(crossEntropy(), [{ term: outputL2(), lambda: -1 }])).toThrow(/λ/);
    void x;
  });

  it('Trainable round trip: clone is independent, setWeights copies, save writes model.json the loader reads back', async () => {
    const data = blobs(19, 40);
    const model = mlp(20);
    expect(isTrainable(model)).toBe(true);
    const copy = await model.clone();
    await fit(copy, data, ce, { epochs: 2, batchSize: 8, seed: 0, optimizer: { kind: 'adam', learningRate: 0.05 } });
    expect(weightBytes(copy)).not.toBe(weightBytes(model));
    await model.setWeights(copy.getWeights());
    expect(weightBytes(model)).toBe(weightBytes(copy));
    await expect(model.setWeights(new Map([['out/kernel', { data: new Float32Array(2), shape: [2] }]]))).rejects.toMatchObject({ code: 'shape_mismatch' });
    const dir = await mkdtemp(join(tmpdir(), 'glassbox-train-tfjs-'));
    try {
      await copy.save(dir);
      const loaded = await loadTfjsLayersModel(dir);
      expect(await loaded.predict(data.x)).toEqual(await copy.predict(data.x));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('regression: one SGD step of the weighted squared error equals w − η·2Σ wᵢ(zᵢ − yᵢ)xᵢ / Σ wᵢ', async () => {
    const net = tf.sequential();
    net.add(tf.layers.dense({ inputShape: [2], units: 1, name: 'lin' }));
    reinitializeWeights(net, 21);
    const model = new TfjsLayersModel(net);
    expect(model.task).toBe('regression');
    const x = Float32Array.from([1, 2, -1, 0.5, 0.3, -2, 2, 1]);
    const y = Float32Array.from([1, -1, 0.5, 2]);
    const sw = Float32Array.from([1, 2, 0.5, 1]);
    const k0 = model.getWeights().get('lin/kernel')!.data;
    const b0 = model.getWeights().get('lin/bias')!.data[0]!;
    await fit(model, { x: { data: x, shape: [4, 2] }, y, sampleWeights: sw }, composeLoss(squaredError()), { epochs: 1, batchSize: 4, optimizer: { kind: 'sgd', learningRate: 0.1 } });
    const gk = new Float64Array(2);
    let gb = 0;
    const total = 4.5;
    for (let i = 0; i < 4; i++) {
      const r = (k0[0]! * x[2 * i]! + k0[1]! * x[2 * i + 1]! + b0 - y[i]!) * 2 * sw[i]! / total;
      gk[0]! += r * x[2 * i]!;
      gk[1]! += r * x[2 * i + 1]!;
      gb += r;
    }
    const after = model.getWeights();
    expect(after.get('lin/kernel')!.data[0]!).toBeCloseTo(k0[0]! - 0.1 * gk[0]!, 5);
    expect(after.get('lin/kernel')!.data[1]!).toBeCloseTo(k0[1]! - 0.1 * gk[1]!, 5);
    expect(after.get('lin/bias')!.data[0]!).toBeCloseTo(b0 - 0.1 * gb, 5);
  });
});
