import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/data/npy.js';
import { Rng } from '../../src/rng.js';
import { TrainableOnnxModel } from '../../src/train/onnx-trainable.js';
import { runGlassbox } from '../support/cli.js';
import { mlpLogits64, mlpOnnx, randomMlp, type MlpWeights } from '../support/tiny-nets.js';

interface CompressJson {
  pies: number[];
  pieCount: number;
  accuracyOnPies: { base: number | null; compressed: number | null };
  accuracyOnRest: { base: number | null; compressed: number | null };
  perClass: { value: string; n: number; pies: number }[];
  perGroup: Record<string, { value: string; n: number; pies: number }[]>;
  populationSize: { base: number; compressed: number };
  compression: { sparsity: number }[];
}

const argmax = (z: Float64Array): number => z.reduce((b, v, c) => (v > z[b]! ? c : b), 0);

describe('glassbox compress on ONNX populations', () => {
  let dir = '';
  const n = 60;
  const rng = new Rng(11);
  const x = Float32Array.from({ length: n * 4 }, () => rng.normal());
  const base = [1, 2, 3].map((s) => randomMlp(s, 4, 8, 3));
  // the "compressed" population: the same nets with perturbed output weights
  const compressed = base.map((w, k): MlpWeights => {
    const r = new Rng(100 + k);
    return { ...w, w2: w.w2.map((v) => v + 0.6 * r.normal()) };
  });
  const modalOf = (pop: MlpWeights[], i: number): number => {
    const votes = [0, 0, 0];
    for (const w of pop) votes[argmax(mlpLogits64(w, x.subarray(4 * i, 4 * i + 4)))]! += 1;
    return votes.reduce((b, v, c) => (v > votes[b]! ? c : b), 0);
  };
  const labels = Int32Array.from({ length: n }, (_, i) => modalOf(base, i) === 2 || i % 5 === 0 ? (modalOf(base, i) + 1) % 3 : modalOf(base, i));
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glassbox-compress-cli-'));
    for (let k = 0; k < 3; k++) {
      await writeFile(join(dir, `base-${k}.onnx`), mlpOnnx(base[k]!, 'softmax'));
      await writeFile(join(dir, `comp-${k}.onnx`), mlpOnnx(compressed[k]!, 'softmax'));
    }
    writeNpy(join(dir, 'x.npy'), x, [n, 4]);
    writeNpy(join(dir, 'y.npy'), Float64Array.from(labels), [n]);
    writeNpy(join(dir, 'g.npy'), Float64Array.from({ length: n }, (_, i) => i % 2), [n]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('PIEs are the rows where the modal predictions of the two given populations differ (float64 oracle)', async () => {
    const run = await runGlassbox(['compress', '--models', ...[0, 1, 2].map((k) => join(dir, `base-${k}.onnx`)), '--compressed', ...[0, 1, 2].map((k) => join(dir, `comp-${k}.onnx`)), '--data', join(dir, 'x.npy'), '--labels', join(dir, 'y.npy'), '--groups', join(dir, 'g.npy'), '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as CompressJson;
    const expected = Array.from({ length: n }, (_, i) => i).filter((i) => modalOf(base, i) !== modalOf(compressed, i));
    expect(expected.length).toBeGreaterThan(0);
    expect(json.pies).toEqual(expected);
    expect(json.populationSize).toEqual({ base: 3, compressed: 3 });
    expect((json as unknown as { method: string; spec: unknown }).method).toBe('given');
    expect((json as unknown as { spec: unknown }).spec).toBeNull();
    expect(json.perClass.reduce((a, c) => a + c.pies, 0)).toBe(expected.length);
    expect(json.perGroup.groups!.map((g) => g.n)).toEqual([30, 30]);
    // base accuracy on the rest, from the float64 forward passes
    let correct = 0;
    let rows = 0;
    for (let i = 0; i < n; i++) {
      if (expected.includes(i)) continue;
      rows++;
      for (const w of base) if (argmax(mlpLogits64(w, x.subarray(4 * i, 4 * i + 4))) === labels[i]) correct++;
    }
    expect(json.accuracyOnRest.base).toBeCloseTo(correct / (3 * rows), 12);
  });

  it('compresses each base post-training when no compressed population is given, and writes the files', async () => {
    const out = join(dir, 'out');
    const args = ['compress', '--models', ...[0, 1, 2].map((k) => join(dir, `base-${k}.onnx`)), '--data', join(dir, 'x.npy'), '--labels', join(dir, 'y.npy'), '--method', 'prune', '--sparsity', '0.75', '--out', out, '--quiet'];
    const run = await runGlassbox(args);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as CompressJson;
    expect(json.compression.map((c) => c.sparsity)).toEqual([0.75, 0.75, 0.75]);
    const w = (await TrainableOnnxModel.load(join(out, 'compressed-1.onnx'))).getWeights();
    const zeros = [...w.get('w1')!.data, ...w.get('w2')!.data].filter((v) => v === 0).length;
    expect(zeros).toBe(0.75 * (32 + 24));
    expect((await runGlassbox(args)).stdout).toBe(run.stdout);
    const bad = await runGlassbox(['compress', '--models', join(dir, 'base-0.onnx'), '--data', join(dir, 'x.npy'), '--labels', join(dir, 'y.npy'), '--sparsity', '1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--sparsity 1 must be in \[0, 1\)/);
  });
});
