import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOnnxModel } from '../../src/model/onnx.js';
import { initTf } from '../../src/model/tfjs/backend.js';
import { composeLoss, crossEntropy, fit, loadTrainableOnnx } from '../../src/train/public.js';
import { referencePath, useReference } from '../support/reference.js';

const present = useReference('fine-tuning mnist/cnn.onnx', ['mnist/cnn.onnx', 'mnist/split.json']);

function images(entries: readonly [number, number][]): { x: { data: Float32Array; shape: number[] }; y: Float32Array } {
  const mnist = createRequire(import.meta.url)('mnist') as Record<number, { get(i: number): number[] }>;
  const data = new Float32Array(entries.length * 784);
  const y = new Float32Array(entries.length);
  entries.forEach(([digit, index], i) => {
    data.set(mnist[digit]!.get(index), i * 784);
    y[i] = digit;
  });
  return { x: { data, shape: [entries.length, 1, 28, 28] }, y };
}

/**
 * The PyTorch-exported CNN's initializers fine-tuned through the tfjs interpreter: the training loss
 * falls, and the file written back (initializers replaced) runs in a fresh onnxruntime session with
 * the fine-tuned predictions.
 */
describe.skipIf(!present)('fine-tuning mnist/cnn.onnx', () => {
  it('two epochs on 256 training images: loss falls, the written file reproduces the tuned model in onnxruntime', async () => {
    await initTf('wasm');
    const split = JSON.parse(readFileSync(referencePath('mnist/split.json'), 'utf8')) as { test: [number, number][]; train: [number, number][] } | [number, number][];
    const train = Array.isArray(split) ? split.slice(0, 256) : split.train.slice(0, 256);
    const test = Array.isArray(split) ? split.slice(8500, 8700) : split.test.slice(0, 200);
    const model = await loadTrainableOnnx(referencePath('mnist/cnn.onnx'));
    expect(model.trainableParameters).toHaveLength(8);
    const data = images(train);
    const result = await fit(model, data, composeLoss(crossEntropy()), { epochs: 2, batchSize: 64, seed: 0, optimizer: { kind: 'sgd', learningRate: 0.05, momentum: 0.9 } });
    expect(result.history[1]!.taskLoss).toBeLessThan(result.history[0]!.taskLoss);
    const dir = await mkdtemp(join(tmpdir(), 'glassbox-train-ref-'));
    try {
      const path = join(dir, 'cnn-tuned.onnx');
      await model.save(path);
      const fresh = await loadOnnxModel(path);
      const original = await loadOnnxModel(referencePath('mnist/cnn.onnx'));
      const x = images(test).x;
      const tuned = await model.predict(x);
      const reloaded = await fresh.predict(x);
      const before = await original.predict(x);
      for (let i = 0; i < tuned.length; i++) expect(Math.abs(reloaded[i]! - tuned[i]!)).toBeLessThan(1e-5);
      expect(Math.max(...Array.from(before, (v, i) => Math.abs(v - reloaded[i]!)))).toBeGreaterThan(1e-3);
      await Promise.all([fresh.dispose?.(), original.dispose?.(), model.dispose()]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
