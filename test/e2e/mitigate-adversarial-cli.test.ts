import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from '../../src/data/npy.js';
import { loadOnnxModel } from '../../src/model/onnx.js';
import { Rng } from '../../src/rng.js';
import { runGlassbox } from '../support/cli.js';
import { mlpOnnx, randomMlp } from '../support/tiny-nets.js';

interface Interval { low: number; high: number; level: number; method: string }
interface Side { n: number; accuracy: number; robustAccuracy: number; correct: { accuracy: number; robustAccuracy: number }; intervals: { accuracy: Interval; robustAccuracy: Interval } }
interface Change { value: number; interval: Interval; gained: number; lost: number }
interface AdversarialJson {
  method: string;
  seed: number;
  epsilon: number;
  settings: { method: string; steps: number; beta?: number; cleanWeight?: number };
  heldOut: { rows: number; rowIds: number[] };
  evaluation: { attack: { method: string; steps: number; epsilon: number } };
  training: { epochs: number; trainRows: number; history: { epoch: number; loss: number }[] };
  before: Side;
  after: Side;
  change: { accuracy: Change; robustAccuracy: Change };
  savedModel?: string;
}

/** `glassbox mitigate --method adversarial-training|trades` on a tiny ONNX MLP over .npy rows in [0, 1]⁴. */
describe('glassbox mitigate --method adversarial-training | trades', () => {
  let dir: string;
  let base: string[];
  const n = 100;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glassbox-mitigate-adv-'));
    const rng = new Rng(1);
    const x = new Float32Array(4 * n);
    const y = new BigInt64Array(n);
    const clip = (v: number): number => Math.min(1, Math.max(0, v));
    for (let i = 0; i < n; i++) {
      const s = i % 2 === 0 ? -1 : 1;
      y[i] = BigInt(i % 2);
      x.set([clip(0.5 + 0.2 * s + 0.1 * rng.normal()), clip(0.5 + 0.05 * s + 0.01 * rng.normal()), rng.next(), rng.next()], 4 * i);
    }
    writeNpy(join(dir, 'x.npy'), x, [n, 4]);
    writeNpy(join(dir, 'y.npy'), y, [n]);
    await writeFile(join(dir, 'm.onnx'), mlpOnnx(randomMlp(7, 4, 6, 2), 'softmax'));
    base = ['mitigate', '--model', join(dir, 'm.onnx'), '--data', join(dir, 'x.npy'), '--labels', join(dir, 'y.npy'), '--epsilon', '0.1', '--steps', '3', '--eval-steps', '5', '--epochs', '2', '--learning-rate', '0.05', '--format', 'json', '--quiet'];
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports before/after clean and robust accuracy on the same held-out rows with their intervals; the saved ONNX gives the "after" accuracy in onnxruntime; same seed, same bytes', async () => {
    const saved = join(dir, 'robust.onnx');
    const args = [...base, '--method', 'adversarial-training', '--clean-weight', '0.5'];
    const run = await runGlassbox([...args, '--save-model', saved]);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as AdversarialJson;
    expect(out).toMatchObject({ method: 'adversarial-training', seed: 0, epsilon: 0.1, settings: { method: 'pgd', steps: 3, cleanWeight: 0.5 }, evaluation: { attack: { method: 'pgd', steps: 5, epsilon: 0.1 } }, savedModel: saved });
    expect(out.heldOut.rows).toBe(30);
    expect(out.training.trainRows).toBe(70);
    expect(out.training.history).toHaveLength(2);
    for (const side of [out.before, out.after]) {
      expect(side.n).toBe(30);
      for (const key of ['accuracy', 'robustAccuracy'] as const) {
        expect(side[key]).toBeCloseTo(side.correct[key] / 30, 12);
        expect(side.intervals[key].method).toBe('wilson');
        expect(side.intervals[key].low).toBeLessThanOrEqual(side[key]);
        expect(side.intervals[key].high).toBeGreaterThanOrEqual(side[key]);
      }
    }
    expect(out.change.robustAccuracy.value).toBeCloseTo(out.after.robustAccuracy - out.before.robustAccuracy, 12);
    expect(out.change.accuracy.interval.method).toBe('newcombe-paired');
    // the written file, in a plain onnxruntime session, classifies the held-out rows as "after" says
    const x = readNpy(join(dir, 'x.npy')).data as Float32Array;
    const y = readNpy(join(dir, 'y.npy')).data as BigInt64Array;
    const rows = out.heldOut.rowIds;
    const held = new Float32Array(rows.length * 4);
    rows.forEach((r, i) => held.set(x.subarray(4 * r, 4 * r + 4), 4 * i));
    const p = await (await loadOnnxModel(new Uint8Array(await readFile(saved)))).predict({ data: held, shape: [rows.length, 4] });
    const right = rows.filter((r, i) => (p[2 * i + 1]! > p[2 * i]! ? 1 : 0) === Number(y[r])).length;
    expect(right).toBe(out.after.correct.accuracy);
    const again = await runGlassbox(args);
    expect({ ...(JSON.parse(again.stdout) as AdversarialJson), savedModel: saved }).toEqual(out);
  }, 120_000);

  it('trades records β and the KL term, and renders a table', async () => {
    const run = await runGlassbox([...base, '--method', 'trades', '--beta', '2']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as AdversarialJson;
    expect(out.settings).toMatchObject({ method: 'trades', beta: 2 });
    expect(out.training.history[0]).toHaveProperty('penalties.trades-kl');
    const table = await runGlassbox([...base.slice(0, -3), '--method', 'trades', '--format', 'table', '--quiet']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/robust accuracy \(ε = 0\.1\)/);
    expect(table.stdout).toMatch(/TRADES \(Zhang et al\. 2019\)/);
  }, 120_000);

  it('refuses a missing or non-positive ε, β without TRADES and a bad clip before loading anything, naming the flag', async () => {
    const withoutEps = base.filter((a, i) => a !== '--epsilon' && base[i - 1] !== '--epsilon');
    const missing = await runGlassbox([...withoutEps, '--method', 'adversarial-training']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Missing --epsilon/);
    const zero = await runGlassbox([...withoutEps, '--method', 'trades', '--epsilon', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--epsilon must be > 0/);
    const beta = await runGlassbox([...base, '--method', 'adversarial-training', '--beta', '3']);
    expect(beta.code).toBe(2);
    expect(beta.stderr).toMatch(/--beta is the TRADES trade-off/);
    const clip = await runGlassbox([...base, '--method', 'adversarial-training', '--clip', '1,0']);
    expect(clip.code).toBe(2);
    expect(clip.stderr).toMatch(/--clip must be "min,max"/);
  }, 60_000);

  it('refuses a model glassbox cannot fine-tune with missing_capability', async () => {
    const tree = join(dir, 'model.json');
    await writeFile(tree, JSON.stringify({ learner: { gradient_booster: { name: 'gbtree', model: { trees: [] } }, objective: { name: 'binary:logistic' } }, version: [2, 0, 0] }));
    const run = await runGlassbox([...base, '--model', tree, '--method', 'adversarial-training']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot be (trained|fine-tuned)/);
  }, 60_000);
});
