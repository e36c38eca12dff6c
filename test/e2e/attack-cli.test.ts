import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from '../../src/data/npy.js';
import { loadOnnxModel } from '../../src/model/onnx.js';
import { runGlassbox } from '../support/cli.js';
import { DATASETS_DIR, referencePath, useReference } from '../support/reference.js';

const present = useReference('glassbox attack', ['mnist/cnn.onnx', 'mnist/samples.json', 'german-credit/mlp.onnx', 'german-credit/schema.json', 'german-credit/preprocess.json', 'german-credit/xgb.json', '../datasets/german_credit.csv']);

interface AttackJson {
  rowIds: number[];
  labels: number[];
  predictionsBefore: number[];
  predictionsAfter: number[];
  accuracyBefore: number;
  accuracyAfter: number;
  maxPerturbation: number;
  settings: { method: string; norm: string; epsilon: number; stepSize: number; steps: number; randomStart: boolean; seed: number };
  seed: number;
  curve?: { points: { epsilon: number; accuracy: number }[] };
  minEpsilon?: { values: (number | null)[]; tolerance: number; maxEpsilon: number };
  groups: { grouping: string; value: string; n: number }[];
}

const argmax = (p: Float32Array, i: number, k: number): number => {
  let best = 0;
  for (let j = 1; j < k; j++) if (p[i * k + j]! > p[i * k + best]!) best = j;
  return best;
};

describe.skipIf(!present)('glassbox attack', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-attack-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const samples = present ? (JSON.parse(readFileSync(referencePath('mnist/samples.json'), 'utf8')) as { labels: number[]; pixels: number[][] }) : undefined;
  const xPath = join(dir, 'x.npy');
  const yPath = join(dir, 'y.npy');
  if (samples) {
    writeNpy(xPath, Float32Array.from(samples.pixels.flat()), [20, 1, 28, 28]);
    writeNpy(yPath, BigInt64Array.from(samples.labels, (v) => BigInt(v)), [20]);
  }
  const mnist = ['attack', '--model', referencePath('mnist/cnn.onnx'), '--data', xPath, '--labels', yPath, '--quiet'];

  it('FGSM on mnist/cnn.onnx: adv.npy is float32 in the input shape, inside the ε-ball, and its predictions are the JSON ones', async () => {
    const out = join(dir, 'fgsm.npy');
    const run = await runGlassbox([...mnist, '--method', 'fgsm', '--epsilon', '0.1', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as AttackJson;
    expect(json.rowIds).toEqual([...Array(20).keys()]);
    expect(json.labels).toEqual(samples!.labels);
    expect(json.settings).toMatchObject({ method: 'fgsm', norm: 'linf', epsilon: 0.1, steps: 1, randomStart: false });
    const adv = readNpy(out);
    expect(adv.dtype).toBe('float32');
    expect(adv.shape).toEqual([20, 1, 28, 28]);
    const x = Float32Array.from(samples!.pixels.flat());
    let worst = 0;
    for (let k = 0; k < x.length; k++) {
      worst = Math.max(worst, Math.abs(adv.data[k] as number - x[k]!));
      expect(adv.data[k]! >= 0 && adv.data[k]! <= 1).toBe(true);
    }
    expect(worst).toBeLessThanOrEqual(0.1 + 6e-8);
    // an independent forward pass (plain onnxruntime adapter) of the written file gives predictionsAfter
    const plain = await loadOnnxModel(referencePath('mnist/cnn.onnx'));
    const p = await plain.predict({ data: adv.data as Float32Array, shape: [20, 1, 28, 28] });
    const before = await plain.predict({ data: x, shape: [20, 1, 28, 28] });
    await plain.dispose?.();
    expect(json.predictionsAfter).toEqual(Array.from({ length: 20 }, (_, i) => argmax(p, i, 10)));
    expect(json.predictionsBefore).toEqual(Array.from({ length: 20 }, (_, i) => argmax(before, i, 10)));
    expect(json.accuracyAfter).toBe(json.predictionsAfter.filter((v, i) => v === json.labels[i]).length / 20);
    expect(json.accuracyAfter).toBeLessThan(json.accuracyBefore);
  });

  it('PGD is deterministic under --seed, and the curve and bisection agree with the single attack', async () => {
    const args = [...mnist, '--method', 'pgd', '--epsilon', '0.15', '--steps', '5', '--seed', '7'];
    const a = await runGlassbox([...args, '--out', join(dir, 'a.npy'), '--epsilons', '0,0.15', '--min-epsilon', '--tolerance', '0.01']);
    const b = await runGlassbox([...args, '--out', join(dir, 'b.npy')]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(readFileSync(join(dir, 'a.npy')).equals(readFileSync(join(dir, 'b.npy')))).toBe(true);
    const json = JSON.parse(a.stdout) as AttackJson;
    expect(json.seed).toBe(7);
    expect(json.curve!.points.map((q) => q.epsilon)).toEqual([0, 0.15]);
    expect(json.curve!.points[0]!.accuracy).toBe(json.accuracyBefore);
    expect(json.curve!.points[1]!.accuracy).toBe(json.accuracyAfter);
    const values = json.minEpsilon!.values;
    expect(values).toHaveLength(20);
    values.forEach((v, i) => {
      if (json.predictionsBefore[i] !== json.labels[i]) expect(v).toBe(0);
      else if (v !== null) expect(v).toBeLessThanOrEqual(0.15);
    });
    expect(json.groups.filter((g) => g.grouping === 'class').reduce((s, g) => s + g.n, 0)).toBe(20);
  });

  it('html output holds the curve and the original / adversarial / difference grid', async () => {
    const run = await runGlassbox([...mnist, '--method', 'pgd', '--epsilon', '0.2', '--steps', '3', '--epsilons', '0.05,0.2', '--format', 'html']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Robust accuracy against ε');
    expect(run.stdout).toContain('difference (adv − x)');
    expect(run.stdout).toContain('data:image/png;base64');
  });

  it('tabular ONNX model: numeric columns stay in the training range and one-hot columns are frozen', async () => {
    const base = ['attack', '--model', referencePath('german-credit/mlp.onnx'), '--data', `${DATASETS_DIR}/german_credit.csv`, '--schema', referencePath('german-credit/schema.json'), '--preprocess', referencePath('german-credit/preprocess.json'), '--rows', '0:40', '--quiet'];
    const clean = await runGlassbox([...base, '--method', 'fgsm', '--epsilon', '0', '--out', join(dir, 'x0.npy')]);
    expect(clean.code, clean.stderr).toBe(0);
    const run = await runGlassbox([...base, '--method', 'pgd', '--epsilon', '1', '--steps', '10', '--out', join(dir, 'credit.npy')]);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as AttackJson & { settings: { bounds: string } };
    expect(json.settings.bounds).toMatch(/categorical one-hot columns frozen/);
    expect(json.accuracyAfter).toBeLessThan(json.accuracyBefore);
    const x = readNpy(join(dir, 'x0.npy')).data as Float32Array;
    const adv = readNpy(join(dir, 'credit.npy')).data as Float32Array;
    const steps = (JSON.parse(readFileSync(referencePath('german-credit/preprocess.json'), 'utf8')) as { steps: { kind?: string; type?: string; offset: number; width: number }[] }).steps;
    let moved = 0;
    for (const s of steps) {
      const oneHot = (s.kind ?? s.type) === 'onehot';
      for (let r = 0; r < json.rowIds.length; r++) {
        for (let j = s.offset; j < s.offset + s.width; j++) {
          const k = r * 61 + j;
          if (oneHot) expect(adv[k]).toBe(x[k]);
          else if (adv[k] !== x[k]) moved++;
        }
      }
    }
    expect(moved).toBeGreaterThan(0);
    expect(json.groups.some((g) => g.grouping !== 'class')).toBe(true);
  });

  it('refuses models without gradients and bad flags with exit code 2', async () => {
    const xgb = await runGlassbox(['attack', '--model', referencePath('german-credit/xgb.json'), '--data', `${DATASETS_DIR}/german_credit.csv`, '--schema', referencePath('german-credit/schema.json'), '--quiet']);
    expect(xgb.code).toBe(2);
    expect(xgb.stderr).toMatch(/differentiable model/);
    const clip = await runGlassbox([...mnist, '--clip', '1,0']);
    expect(clip.code).toBe(2);
    expect(clip.stderr).toMatch(/--clip/);
    const norm = await runGlassbox([...mnist, '--method', 'fgsm', '--norm', 'l2']);
    expect(norm.code).toBe(2);
    expect(norm.stderr).toMatch(/FGSM is an L∞ attack/);
    const out = await runGlassbox([...mnist, '--out', join(dir, 'adv.bin')]);
    expect(out.code).toBe(2);
  });
});
