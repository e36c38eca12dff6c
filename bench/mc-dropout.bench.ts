/**
 * Time for 30 MC-dropout passes against 30 deterministic predictions of the same rows (the floor: the
 * model's own inference), for both engines:
 * - TF.js: the digits demo CNN (dropout 0.25), its 2000 test digits, wasm backend;
 * - ONNX: a 784 → 256 → Dropout(0.5) → 10 MLP built in memory, 2000 rows, onnxruntime-node (the graph
 *   rewritten into Mul by seeded masks).
 * Also last-layer Laplace (fit on the 8000 training digits + 30 draws) on the digits CNN.
 * Run alone: `npx tsx bench/mc-dropout.bench.ts`.
 */
import { pathToFileURL } from 'node:url';
import { loadDemoInputs } from '../src/cli/load-demo.js';
import { loadOnnxModel } from '../src/model/onnx.js';
import { Rng } from '../src/rng.js';
import { denseHeadOf } from '../src/uncertainty/laplace/dense-head-of.js';
import { fitLastLayerLaplace, laplaceSamples } from '../src/uncertainty/laplace/last-layer-laplace.js';
import { mcDropoutSamples } from '../src/uncertainty/mc-dropout/mc-dropout-samples.js';
import { dropoutMlpBytes } from '../test/fixtures/models/dropout-mlp.js';
import { printResults, timeMedian, type BenchResult } from './types.js';

const PASSES = 30;

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const digits = await loadDemoInputs('digits', { seed: 0 });
  const x = digits.x!;
  const model = digits.model;
  const tfPasses = await timeMedian(() => mcDropoutSamples(model, x, { passes: PASSES, seed: 0 }), 3);
  const tfPredict = await timeMedian(async () => {
    for (let t = 0; t < PASSES; t++) await model.predict(x);
  }, 3);
  results.push({ name: `MC dropout, digits CNN (TF.js wasm), ${x.shape[0]} images × ${PASSES} passes`, ours: tfPasses, reference: tfPredict, unit: 's', referenceSource: `${PASSES} deterministic predict calls`, note: 'reference is the floor: the same forward passes without masks' });
  const found = await denseHeadOf(model);
  if ('head' in found) {
    const laplace = await timeMedian(async () => laplaceSamples(await fitLastLayerLaplace(found.head, digits.trainX!), found.head, x, { samples: PASSES, seed: 0 }), 3);
    results.push({ name: `last-layer Laplace, digits CNN: fit on ${digits.trainX!.shape[0]} training digits + ${PASSES} draws for ${x.shape[0]} images`, ours: laplace, reference: tfPasses, unit: 's', referenceSource: `MC dropout, ${PASSES} passes` });
  }
  const onnx = await loadOnnxModel(dropoutMlpBytes({ rate: 0.5, inputs: 784, hidden: 256, classes: 10 }), { classes: Array.from({ length: 10 }, (_, k) => String(k)) });
  const rng = new Rng(1);
  const rows = { data: Float32Array.from({ length: 2000 * 784 }, () => rng.next()), shape: [2000, 784] };
  const onnxPasses = await timeMedian(() => mcDropoutSamples(onnx, rows, { passes: PASSES, seed: 0 }), 3);
  const onnxPredict = await timeMedian(async () => {
    for (let t = 0; t < PASSES; t++) await onnx.predict(rows);
  }, 3);
  results.push({ name: `MC dropout, ONNX MLP 784-256-10 (onnxruntime), 2000 rows × ${PASSES} passes`, ours: onnxPasses, reference: onnxPredict, unit: 's', referenceSource: `${PASSES} deterministic predict calls`, note: 'includes drawing 2000×256 mask values per pass in JS' });
  await onnx.dispose();
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printResults('MC dropout and Laplace', await run());
