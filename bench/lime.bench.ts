/**
 * LIME tabular on the german-credit MLP with lime_tabular.json's settings (5000 samples, 10 features,
 * quartile discretizer, explainer statistics built beforehand), the first 5 test rows — the workload
 * of timings.json `lime` (seconds per explanation). Prints the share of time inside the model.
 *
 * The headline loads the model as users get it (onnxruntime's default threads, with glassbox's
 * non-spinning pool: a spinning pool thread would take the core LIME's sampling worker draws the next
 * row on). A second line runs the model on one intra-op thread.
 *
 * Run alone: `npx tsx bench/lime.bench.ts`.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { encoderFromPreprocessJson } from '../src/encode/json.js';
import { startLimeWorkers } from '../src/explain/lime/parallel.js';
import { limeTabular } from '../src/explain/lime/tabular.js';
import { loadOnnxModel } from '../src/model/onnx.js';
import { pipeline } from '../src/model/pipeline.js';
import { germanDir, germanOrdinal, readGermanJson, referenceDir } from '../test/conformance/german-credit.js';
import { printResults, timeMedian, type BenchResult } from './types.js';

interface Timings {
  sections: { lime: { results: { explain_instance_5_rows: { seconds_per_explanation_median: number } } } };
}

async function measure(modelThreads: number | undefined, reference: number): Promise<BenchResult> {
  const model = await loadOnnxModel(resolve(germanDir, 'mlp.onnx'), { batchSize: 8192, classes: ['good', 'bad'], task: 'binary', ...(modelThreads ? { threads: modelThreads } : {}) });
  const pipe = pipeline(model, encoderFromPreprocessJson(readGermanJson('preprocess.json')));
  const { train, test } = germanOrdinal();
  const x = { data: test.data.slice(0, 5 * 20), nRows: 5, nFeatures: 20 };
  const explainer = limeTabular({ seed: 0 });
  await startLimeWorkers();
  const perRow = (await timeMedian(() => explainer.explain(pipe, x, { background: train, target: 1 }), 5, 2)) / 5;
  const timedPredict = model.predict.bind(model);
  let modelMs = 0;
  const counting = { ...pipe, model: { ...model, predict: async (...args: Parameters<typeof model.predict>) => {
    const t = performance.now();
    const y = await timedPredict(...args);
    modelMs += performance.now() - t;
    return y;
  } } };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await explainer.explain(counting, x, { background: train, target: 1 });
  const total = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuPerRow = (cpu.user + cpu.system) / 1e6 / 5;
  await model.dispose();
  return {
    name: `LIME tabular, german MLP, 5000 samples, 10 features (model on ${modelThreads ?? 'default'} onnxruntime thread${modelThreads === 1 ? '' : 's'})`,
    ours: perRow,
    reference,
    unit: 's/row',
    referenceSource: 'timings.json lime (lime 0.2 explain_instance, explainer built beforehand)',
    note: `CPU ${cpuPerRow.toFixed(4)} s/row (all threads), load ${loadavg()[0]!.toFixed(1)}; model share ${((100 * modelMs) / total).toFixed(0)}% (${(modelMs / 5 / 1000).toFixed(4)} s/row); sampling worker started and training statistics built once beforehand (lime: explainer built beforehand)`,
  };
}

export async function run(): Promise<BenchResult[]> {
  const timings = JSON.parse(readFileSync(resolve(referenceDir, 'timings.json'), 'utf8')) as Timings;
  const limePerRow = timings.sections.lime.results.explain_instance_5_rows.seconds_per_explanation_median;
  return [await measure(undefined, limePerRow), await measure(1, limePerRow)];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printResults('LIME', await run());
