import { beforeAll, describe, expect, it } from 'vitest';
import { compressModel } from '../../compress/compress-model.js';
import { initTf, tf } from '../../model/tfjs/backend.js';
import { TfjsLayersModel } from '../../model/tfjs/layers-model.js';
import { Rng } from '../../rng.js';
import type { ScanContext } from '../detector.js';
import { compressionPies } from './compression-pies.js';
import { varianceOfGradientsDetector } from './variance-of-gradients.js';

const N = 40;

function mlp(seed: number): TfjsLayersModel {
  const rng = new Rng(seed);
  const net = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4, 4], units: 6, activation: 'relu' }), tf.layers.flatten(), tf.layers.dense({ units: 3, activation: 'softmax' })] });
  net.setWeights(net.getWeights().map((w) => tf.tensor(Float32Array.from({ length: w.size }, () => rng.normal()), w.shape)));
  return new TfjsLayersModel(net, { classes: ['a', 'b', 'c'] });
}

async function context(model: TfjsLayersModel, options: Record<string, unknown>): Promise<ScanContext> {
  const rng = new Rng(4);
  const x = { data: Float32Array.from({ length: N * 16 }, () => rng.next()), shape: [N, 4, 4] };
  const labels = Float64Array.from({ length: N }, (_, i) => (i === 3 ? -1 : i % 3));
  return {
    table: { nRows: N, columns: [], rowIds: Int32Array.from({ length: N }, (_, i) => 1000 + i), source: 'test' },
    schema: { features: [], target: { name: 'y', task: 'multiclass', classes: ['a', 'b', 'c'] } },
    model,
    x,
    outputs: await model.predict(x),
    labels,
    classes: ['a', 'b', 'c'],
    seed: 0,
    options: { confidence: 0.95, disparityThreshold: 0.1, ratioThreshold: 0.8, ...options },
    progress: () => undefined,
  } as unknown as ScanContext;
}

describe('scan: variance of gradients and compression PIEs', () => {
  beforeAll(async () => {
    await initTf('wasm');
  });

  it('VoG runs only with checkpoints, on every labelled row, with data row ids', async () => {
    const model = mlp(1);
    expect(varianceOfGradientsDetector.applies(await context(model, {}))).toMatch(/no training checkpoints given/);
    const c = await context(model, { vogCheckpoints: [mlp(2), mlp(3), model] });
    expect(varianceOfGradientsDetector.applies(c)).toBe(true);
    const result = await varianceOfGradientsDetector.run(c);
    const data = result.data as { rowIds: number[]; scores: (number | null)[]; checkpoints: number };
    expect(data.checkpoints).toBe(3);
    expect(data.rowIds).toHaveLength(N - 1);
    expect(data.rowIds).not.toContain(1003);
    expect(data.rowIds[0]).toBe(1000);
    expect(result.sections![0]!.blocks.some((b) => b.kind === 'image-grid')).toBe(true);
  });

  it('compression is off by default and says why; when on, its PIEs are exactly the changed predictions', async () => {
    const model = mlp(5);
    expect(compressionPies.applies(await context(model, {}))).toMatch(/off by default \(costly/);
    const spec = { method: 'prune' as const, sparsity: 0.6 };
    const c = await context(model, { compression: spec });
    expect(compressionPies.applies(c)).toBe(true);
    const result = await compressionPies.run(c);
    const data = result.data as { pies: number[]; sparsity: number };
    const { model: pruned } = await compressModel(model, spec);
    const a = await model.predict(c.x!);
    const b = await pruned.predict(c.x!);
    const arg = (p: Float32Array, i: number): number => [0, 1, 2].reduce((best, k) => (p[3 * i + k]! > p[3 * i + best]! ? k : best), 0);
    const changed = Array.from({ length: N }, (_, i) => i).filter((i) => i !== 3 && arg(a, i) !== arg(b, i)).map((i) => 1000 + i);
    expect(data.pies).toEqual(changed);
    expect(data.sparsity).toBeCloseTo(Math.round(0.6 * 96) / 96, 12);
    expect(result.sections![0]!.blocks[0]).toMatchObject({ kind: 'text', markdown: expect.stringMatching(/off by default because it is costly/) });
  });
});
