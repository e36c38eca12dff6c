import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/data/npy.js';
import { Rng } from '../../src/rng.js';
import { runGlassbox } from '../support/cli.js';
import { mlpOnnx, randomMlp, type MlpWeights } from '../support/tiny-nets.js';

interface VogJson {
  scores: (number | null)[];
  raw: number[];
  rowIds: number[];
  labels: number[];
  predictions: number[];
  checkpoints: string[];
  errorConcentration: { topN: number; topErrorRate: number; deciles: unknown[] };
}

/** ∂z_y/∂x of Gemm → Relu → Gemm in float64: Σ_j w1[:, j]·1[h_j > 0]·w2[j, y]. */
function logitGradient(w: MlpWeights, x: ArrayLike<number>, y: number): Float64Array {
  const g = new Float64Array(w.inputs);
  for (let j = 0; j < w.hidden; j++) {
    let h = w.b1[j]!;
    for (let i = 0; i < w.inputs; i++) h += x[i]! * w.w1[i * w.hidden + j]!;
    if (h <= 0) continue;
    for (let i = 0; i < w.inputs; i++) g[i]! += w.w1[i * w.hidden + j]! * w.w2[j * w.outputs + y]!;
  }
  return g;
}

describe('glassbox vog on ONNX checkpoints', () => {
  let dir = '';
  const nets = [1, 2, 3].map((seed) => randomMlp(seed, 5, 7, 3));
  const n = 40;
  const rng = new Rng(8);
  const x = Float32Array.from({ length: n * 5 }, () => rng.normal());
  const y = Int32Array.from({ length: n }, (_, i) => i % 3);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glassbox-vog-'));
    for (let k = 0; k < 3; k++) await writeFile(join(dir, `c${k}.onnx`), mlpOnnx(nets[k]!, 'softmax'));
    writeNpy(join(dir, 'x.npy'), x, [n, 5]);
    writeNpy(join(dir, 'y.npy'), Float64Array.from(y), [n]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const args = (): string[] => ['vog', '--checkpoints', [0, 1, 2].map((k) => join(dir, `c${k}.onnx`)).join(','), '--data', join(dir, 'x.npy'), '--labels', join(dir, 'y.npy'), '--rows', '10:40', '--quiet'];

  it('matches the float64 VoG of the logit gradients, z-scored per class, with 0-based rowIds; same bytes twice', async () => {
    const run = await runGlassbox(args());
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as VogJson;
    expect(json.rowIds).toEqual(Array.from({ length: 30 }, (_, i) => 10 + i));
    expect(json.labels).toEqual(Array.from(y.subarray(10)));
    const raw = json.rowIds.map((row) => {
      const g = nets.map((w) => logitGradient(w, x.subarray(row * 5, row * 5 + 5), y[row]!));
      let total = 0;
      for (let p = 0; p < 5; p++) {
        const mean = (g[0]![p]! + g[1]![p]! + g[2]![p]!) / 3;
        total += Math.sqrt(g.reduce((s, gk) => s + (gk[p]! - mean) ** 2, 0) / 3);
      }
      return total / 5;
    });
    json.raw.forEach((v, i) => expect(v).toBeCloseTo(raw[i]!, 4));
    for (let c = 0; c < 3; c++) {
      const idx = json.labels.map((l, i) => (l === c ? i : -1)).filter((i) => i >= 0);
      const vals = idx.map((i) => raw[i]!);
      const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
      const sd = Math.sqrt(vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length);
      idx.forEach((i) => expect(json.scores[i]).toBeCloseTo((raw[i]! - mean) / sd, 3));
    }
    expect(json.errorConcentration.topN).toBe(3);
    expect(json.errorConcentration.deciles).toHaveLength(10);
    expect((await runGlassbox(args())).stdout).toBe(run.stdout);
  });

  it('refuses a single checkpoint and missing labels before computing', async () => {
    const one = await runGlassbox(['vog', '--checkpoints', join(dir, 'c0.onnx'), '--data', join(dir, 'x.npy'), '--labels', join(dir, 'y.npy')]);
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/at least 2/);
    const unlabeled = await runGlassbox(['vog', '--checkpoints', `${join(dir, 'c0.onnx')},${join(dir, 'c1.onnx')}`, '--data', join(dir, 'x.npy')]);
    expect(unlabeled.code).toBe(2);
    expect(unlabeled.stderr).toMatch(/true label/);
  });
});

describe('glassbox vog on TF.js checkpoint folders', () => {
  it('the digits demo\'s committed checkpoint folders given by path score like --demo digits', async () => {
    const { loadDigitsData } = await import('../../src/demos/digits/data.js');
    const data = loadDigitsData(0);
    const rows: number[] = [];
    data.isTest.forEach((v, i) => {
      if (v && rows.length < 40) rows.push(i);
    });
    const dir = await mkdtemp(join(tmpdir(), 'glassbox-vog-tfjs-'));
    try {
      const x = new Float32Array(rows.length * 784);
      rows.forEach((r, i) => x.set(data.images.data.subarray(r * 784, (r + 1) * 784), i * 784));
      writeNpy(join(dir, 'x.npy'), x, [rows.length, 28, 28, 1]);
      writeNpy(join(dir, 'y.npy'), Float64Array.from(rows, (r) => data.labels[r]!), [rows.length]);
      const c = 'models/digits/checkpoints';
      const byPath = await runGlassbox(['vog', '--checkpoints', `${c}/step-075,${c}/step-150,${c}/step-225,${c}/step-300,models/digits`, '--data', join(dir, 'x.npy'), '--labels', join(dir, 'y.npy'), '--quiet']);
      expect(byPath.code, byPath.stderr).toBe(0);
      const demo = await runGlassbox(['vog', '--demo', 'digits', '--rows', '0:40', '--quiet']);
      expect(demo.code, demo.stderr).toBe(0);
      const a = JSON.parse(byPath.stdout) as VogJson;
      const b = JSON.parse(demo.stdout) as VogJson;
      a.raw.forEach((v, i) => expect(v).toBeCloseTo(b.raw[i]!, 6));
      expect(a.predictions).toEqual(b.predictions);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
