import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/data/npy.js';
import { runGlassbox } from '../support/cli.js';
import { mnistTestImages } from '../support/mnist-test-images.js';
import { referencePath, useReference } from '../support/reference.js';

const HAS_REFERENCE = useReference('glassbox probe on the reference MNIST CNN', ['mnist/cnn.onnx', 'mnist/split.json']);

interface ProbeJson {
  layers: { layer: string; accuracy: number; interval: { low: number; high: number; method: string }; baseline: number; dims: number; originalDims: number }[];
  folds: number;
  seed: number;
  n: number;
  rowIds: number[];
}

describe.skipIf(!HAS_REFERENCE)('glassbox probe on the reference MNIST CNN', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glassbox-probe-'));
    const { pixels, labels } = await mnistTestImages(200);
    writeNpy(join(dir, 'x.npy'), pixels, [200, 1, 28, 28]);
    writeNpy(join(dir, 'y.npy'), Float64Array.from(labels), [200]);
    // a target the network does not encode: the parity of the row index
    writeNpy(join(dir, 'parity.npy'), Float64Array.from({ length: 200 }, (_, i) => i % 2), [200]);
    writeNpy(join(dir, 'short.npy'), new Float64Array(10), [10]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const base = (): string[] => ['probe', '--model', referencePath('mnist/cnn.onnx'), '--data', join(dir, 'x.npy'), '--labels', join(dir, 'y.npy'), '--rows', '0:150', '--layers', '/pool2/MaxPool_output_0,/relu3/Relu_output_0,logits', '--max-dims', '64', '--quiet'];

  it('the label is linearly readable far above the majority baseline in the late layers; the JSON is deterministic', async () => {
    const first = await runGlassbox(base());
    expect(first.code, first.stderr).toBe(0);
    const json = JSON.parse(first.stdout) as ProbeJson;
    expect(json.n).toBe(150);
    expect(json.folds).toBe(5);
    expect(json.rowIds[149]).toBe(149);
    expect(json.layers.map((l) => l.layer)).toEqual(['(input)', '/pool2/MaxPool_output_0', '/relu3/Relu_output_0', 'logits']);
    const input = json.layers[0]!;
    expect(input.originalDims).toBe(784);
    expect(input.dims).toBe(64);
    for (const l of json.layers.slice(1)) {
      expect(l.interval.method).toBe('wilson');
      expect(l.interval.low).toBeGreaterThan(l.baseline + 0.4);
    }
    const again = await runGlassbox(base());
    expect(again.stdout).toBe(first.stdout);
  }, 120_000);

  it('--target: an attribute the network does not encode stays near chance; a wrong-length file is refused', async () => {
    const parity = await runGlassbox([...base(), '--target', join(dir, 'parity.npy')]);
    expect(parity.code, parity.stderr).toBe(0);
    const json = JSON.parse(parity.stdout) as ProbeJson;
    // 150 rows, p = 0.5: the Wilson interval of each layer's accuracy covers chance or sits close to it
    for (const l of json.layers) expect(l.interval.low).toBeLessThan(0.6);
    const bad = await runGlassbox([...base(), '--target', join(dir, 'short.npy')]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/10 values for 150 inputs/);
  }, 120_000);
});
