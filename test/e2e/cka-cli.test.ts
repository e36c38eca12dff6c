import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/data/npy.js';
import { runGlassbox } from '../support/cli.js';
import { mnistTestImages } from '../support/mnist-test-images.js';
import { referencePath, useReference } from '../support/reference.js';

const HAS_REFERENCE = useReference('glassbox cka reproduces the layer matrix between the two reference CNNs', ['mnist/cnn.onnx', 'mnist/split.json', 'cka/cnn_seed1.onnx', 'cka/cnn_layer_cka.json', 'cka/synthetic_xy.json', 'cka/cka_values.json']);

/** The reference's conv1, conv2 and dense layers: MaxPool(ReLU(conv1)), MaxPool(ReLU(conv2)), ReLU(fc1). */
const LAYERS = '/pool1/MaxPool_output_0,/pool2/MaxPool_output_0,/relu3/Relu_output_0';

describe.skipIf(!HAS_REFERENCE)('glassbox cka reproduces the layer matrix between the two reference CNNs', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glassbox-cka-'));
    const { pixels } = await mnistTestImages(500);
    writeNpy(join(dir, 'x.npy'), pixels, [500, 1, 28, 28]);
    const xy = JSON.parse(await readFile(referencePath('cka/synthetic_xy.json'), 'utf8')) as { X: number[][]; Y: number[][] };
    writeNpy(join(dir, 'a.npy'), Float64Array.from(xy.X.flat()), [500, 64]);
    writeNpy(join(dir, 'b.npy'), Float64Array.from(xy.Y.flat()), [500, 32]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('--model/--model-b: activations from onnxruntime, CKA within 1e-5 of the reference matrix (float32 activations)', async () => {
    const run = await runGlassbox(['cka', '--model', referencePath('mnist/cnn.onnx'), '--model-b', referencePath('cka/cnn_seed1.onnx'), '--data', join(dir, 'x.npy'), '--layers', LAYERS, '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as { rows: string[]; cols: string[]; matrix: number[][]; n: number };
    expect(json.n).toBe(500);
    expect(json.rows).toEqual(LAYERS.split(','));
    const want = (JSON.parse(await readFile(referencePath('cka/cnn_layer_cka.json'), 'utf8')) as { linear_cka_seed0_vs_seed1: { matrix: number[][] } }).linear_cka_seed0_vs_seed1.matrix;
    json.matrix.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - want[i]![j]!)).toBeLessThan(1e-5)));
  }, 120_000);

  it('--x/--y: linear, RBF and debiased values of the synthetic pair; one model alone gives a symmetric matrix with a unit diagonal', async () => {
    const values = JSON.parse(await readFile(referencePath('cka/cka_values.json'), 'utf8')) as Record<string, number>;
    const value = async (extra: string[]) => {
      const run = await runGlassbox(['cka', '--x', join(dir, 'a.npy'), '--y', join(dir, 'b.npy'), ...extra]);
      expect(run.code, run.stderr).toBe(0);
      return (JSON.parse(run.stdout) as { cka: number }).cka;
    };
    expect(Math.abs((await value([])) - values.linear_cka!)).toBeLessThan(1e-10);
    expect(Math.abs((await value(['--kernel', 'rbf'])) - values.rbf_cka!)).toBeLessThan(1e-10);
    expect(Math.abs((await value(['--debiased'])) - values.debiased_linear_cka!)).toBeLessThan(1e-10);
    const self = await runGlassbox(['cka', '--model', referencePath('mnist/cnn.onnx'), '--data', join(dir, 'x.npy'), '--rows', '0:200', '--quiet']);
    expect(self.code, self.stderr).toBe(0);
    const m = JSON.parse(self.stdout) as { rows: string[]; matrix: number[][] };
    expect(m.rows).toContain('logits');
    expect(m.rows.length).toBeGreaterThanOrEqual(4);
    m.matrix.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(i === j ? 1 : m.matrix[j]![i]!, 9)));
  }, 120_000);

  it('refuses mismatched rows, a missing --y and an unknown layer, naming them', async () => {
    const short = join(dir, 'short.npy');
    writeNpy(short, new Float64Array(40), [10, 4]);
    const mismatch = await runGlassbox(['cka', '--x', join(dir, 'a.npy'), '--y', short]);
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toMatch(/--x \S*a\.npy has 500 rows and --y \S*short\.npy 10/);
    const nan = join(dir, 'nan.npy');
    writeNpy(nan, Float64Array.from({ length: 500 * 32 }, (_, i) => (i === 3 * 32 + 1 ? Number.NaN : Math.sin(i))), [500, 32]);
    const notFinite = await runGlassbox(['cka', '--x', join(dir, 'a.npy'), '--y', nan]);
    expect(notFinite.code).toBe(2);
    expect(notFinite.stderr).toMatch(/--y \S*nan\.npy: row 3, column 1 is not finite/);
    const missing = await runGlassbox(['cka', '--x', join(dir, 'a.npy')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--y/);
    const unknown = await runGlassbox(['cka', '--model', referencePath('mnist/cnn.onnx'), '--data', join(dir, 'x.npy'), '--layers', 'conv9', '--quiet']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no tensor named "conv9"/);
  }, 60_000);
});
