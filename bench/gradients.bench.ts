/**
 * Gradient explanations on mnist/cnn.onnx beside captum 0.7 (timings.json `captum`): Integrated
 * Gradients (64 steps, internal batch 64, riemann_trapezoid and gausslegendre) on the first 100 test
 * images of split.json, and Saliency on the first 1,000 in one batch; targets are the true labels.
 * Gradients are computed by onnxruntime (the compiled backward graph, the default engine); IG is also
 * timed with the tfjs interpreter engine for comparison. Also the peak memory of IG at internal batch
 * sizes 16/64/256 (each in a fresh process), to show that memory is bounded by the internal batch size
 * and not by the number of images × steps.
 *
 * Run alone: `npx tsx bench/gradients.bench.ts`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { integratedGradients, saliency } from '../src/explain/gradients/public.js';
import { loadOnnxGradModel } from '../src/model/onnx-grad/public.js';
import type { Tensor } from '../src/model/tensor.js';
import { printResults, timeMedian, type BenchResult } from './types.js';
import { REFERENCE_DIR as referenceDir } from '../test/support/reference.js';
import { mnistTestThenTrain } from '../test/support/mnist-test-images.js';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Timing {
  median_s: number;
}
interface Timings {
  sections: { captum: { results: Record<string, Timing> } };
}

function testImages(n: number): { x: Tensor; labels: Int32Array } {
  const { pixels, labels } = mnistTestThenTrain(n);
  return { x: { data: pixels, shape: [n, 1, 28, 28] }, labels };
}

/** Peak resident memory of one IG run in a fresh process (bench/ig-memory-child.ts). */
function igMemory(batch: number): { loadedMB: number; peakMB: number } {
  const child = resolve(root, 'bench/ig-memory-child.ts');
  const out = execFileSync(process.execPath, ['--import', 'tsx', child, resolve(referenceDir, 'mnist/cnn.onnx'), String(batch)], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as { loadedMB: number; peakMB: number };
}

export async function run(): Promise<BenchResult[]> {
  const timings = JSON.parse(readFileSync(resolve(referenceDir, 'timings.json'), 'utf8')) as Timings;
  const ref = timings.sections.captum.results;
  const model = await loadOnnxGradModel(resolve(referenceDir, 'mnist/cnn.onnx'), { batchSize: 1000 });
  const results: BenchResult[] = [];
  const ig100 = testImages(100);
  for (const batch of [16, 64, 256]) {
    const { loadedMB, peakMB } = igMemory(batch);
    results.push({ name: `IG peak memory above the loaded model, internal batch ${batch}, 100 images × 64 steps`, ours: peakMB - loadedMB, unit: 'MB', note: `fresh process; ${loadedMB.toFixed(0)} MB resident after loading; grows with the batch, not with images × steps (6,400 points)` });
  }
  const tfjsModel = await loadOnnxGradModel(resolve(referenceDir, 'mnist/cnn.onnx'), { batchSize: 1000, engine: 'tfjs' });
  for (const [label, m] of [[model.gradientEngine, model], ['tfjs', tfjsModel]] as const) {
    for (const method of ['riemann_trapezoid', 'gausslegendre'] as const) {
      const ig = integratedGradients({ method, steps: 64, internalBatchSize: 64 });
      const cpu0 = process.cpuUsage();
      const s = await timeMedian(() => ig.explain(m, ig100.x, { target: ig100.labels }), 3, 1);
      const cpu = process.cpuUsage(cpu0);
      results.push({
        name: `IG ${method}, 64 steps, internal batch 64, 100 images (${label} engine)`,
        ours: s,
        reference: ref[`integrated_gradients_100_images_64_steps_internal_batch_64_${method}`]!.median_s,
        unit: 's',
        referenceSource: 'timings.json captum (torch 2 threads)',
        note: `CPU ${((cpu.user + cpu.system) / 1e6 / 4).toFixed(2)} s/run; load ${loadavg()[0]!.toFixed(1)}`,
      });
    }
  }
  await tfjsModel.dispose();
  const sal1000 = testImages(1000);
  const sal = saliency();
  const s = await timeMedian(() => sal.explain(model, sal1000.x, { target: sal1000.labels }), 5, 1);
  results.push({ name: `Saliency abs, 1,000 images, one batch (${model.gradientEngine} engine)`, ours: s, reference: ref.saliency_1000_images_one_batch_abs_true!.median_s, unit: 's', referenceSource: 'timings.json captum', note: `load ${loadavg()[0]!.toFixed(1)}` });
  await model.dispose();
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printResults('Gradient explanations (captum)', await run());
