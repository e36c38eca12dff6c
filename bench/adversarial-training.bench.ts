/**
 * The digits demo goal of issue 16 §3: PGD adversarial training (and TRADES) of the demo CNN at
 * ε = 0.1 on its 8,000 training images, judged on its 2,000 test images by clean accuracy and PGD-20
 * robust accuracy (goal: robust accuracy +30 points or more, clean accuracy −2 points at most). Prints
 * the wall time of each run (evaluation before and after included) and the before/after figures.
 * There is no reference time: the table's reference column is empty.
 *
 * Run alone: `npx tsx bench/adversarial-training.bench.ts` (GLASSBOX_ADV_METHODS=pgd to skip TRADES).
 */
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { loadDigitsDemo } from '../src/demos/digits/index.js';
import { rowSize, type Tensor } from '../src/model/tensor.js';
import { adversarialTraining, type AdversarialFineTuneOptions } from '../src/robust/adversarial-training/public.js';
import { printResults, type BenchResult } from './types.js';

/** The best settings docs/robustness.md reports for the demo (pgd: the CLI example there). */
export const DEMO_SETTINGS: Readonly<Record<'pgd' | 'trades', AdversarialFineTuneOptions>> = {
  pgd: { method: 'pgd', epsilon: 0.1, trainingEpsilon: 0.15, steps: 3, epochs: 10, batchSize: 64, optimizer: { kind: 'adam', learningRate: 2e-3 }, seed: 0 },
  trades: { method: 'trades', epsilon: 0.1, steps: 3, epochs: 6, batchSize: 64, optimizer: { kind: 'adam', learningRate: 2e-3 }, seed: 0 },
};

function rowsOf(images: Tensor, labels: Int32Array, pick: (i: number) => boolean): { x: Tensor; labels: Int32Array } {
  const d = rowSize(images.shape);
  const rows = [...labels.keys()].filter(pick);
  const x = new Float32Array(rows.length * d);
  rows.forEach((r, i) => x.set(images.data.subarray(r * d, (r + 1) * d), i * d));
  return { x: { data: x, shape: [rows.length, ...images.shape.slice(1)] }, labels: Int32Array.from(rows, (r) => labels[r]!) };
}

export async function run(): Promise<BenchResult[]> {
  const demo = await loadDigitsDemo({ seed: 0 });
  const { images, labels, isTest } = demo.data;
  const train = rowsOf(images, labels, (i) => !isTest[i]);
  const held = rowsOf(images, labels, (i) => isTest[i] === 1);
  const methods = (process.env.GLASSBOX_ADV_METHODS ?? 'pgd,trades').split(',') as ('pgd' | 'trades')[];
  const results: BenchResult[] = [];
  for (const method of methods) {
    const start = process.hrtime.bigint();
    const r = await adversarialTraining(demo.model, { x: train.x, y: Float32Array.from(train.labels) }, held, DEMO_SETTINGS[method]);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const pts = (v: number): string => `${v >= 0 ? '+' : ''}${(100 * v).toFixed(1)}`;
    const s = DEMO_SETTINGS[method];
    results.push({
      name: `${method} fine-tuning of the digits CNN, ε = 0.1 (train ε ${s.trainingEpsilon ?? s.epsilon}), PGD-${s.steps}, ${s.epochs} epochs × 8,000 images, eval PGD-20 on 2,000 (load ${loadavg()[0]!.toFixed(1)})`,
      ours: seconds,
      unit: 's',
      note: `clean ${r.before.accuracy.value.toFixed(4)} → ${r.after.accuracy.value.toFixed(4)} (${pts(r.change.accuracy.value)} pts), robust ${r.before.robustAccuracy.value.toFixed(4)} → ${r.after.robustAccuracy.value.toFixed(4)} (${pts(r.change.robustAccuracy.value)} pts)`,
    });
    await r.model.dispose?.();
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printResults('Adversarial training, digits demo (issue 16 §3)', await run());
}
