/**
 * KernelSHAP on the german-credit MLP: all 20 raw features are players, background = the first 25
 * train rows, 2048 samples (l1 off), the first 10 test rows — the workload of timings.json `kernel`
 * (shap 0.44 KernelExplainer, seconds per row). Also prints the share of time spent inside the model
 * (the floor for any model-agnostic method) and exact Shapley with the per-baseline decomposition.
 *
 * Run alone: `npx tsx bench/kernel-shap.bench.ts`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { exactShapley } from '../src/explain/exact-shapley.js';
import { kernelShap } from '../src/explain/kernel-shap.js';
import { germanMlp, germanOrdinal, referenceDir } from '../test/conformance/german-credit.js';
import { printResults, timeMedian, type BenchResult } from './types.js';

interface Timings {
  sections: { kernel: { results: Record<string, { seconds_per_row_median: number }> } };
}

export async function run(): Promise<BenchResult[]> {
  const timings = JSON.parse(readFileSync(resolve(referenceDir, 'timings.json'), 'utf8')) as Timings;
  const shapPerRow = timings.sections.kernel.results['exported_onnx_run_by_torch']!.seconds_per_row_median;
  const { pipe, model } = await germanMlp();
  const { train, test } = germanOrdinal();
  const background = { data: train.data.slice(0, 25 * 20), nRows: 25, nFeatures: 20 };
  const x = { data: test.data.slice(0, 10 * 20), nRows: 10, nFeatures: 20 };
  const explainer = kernelShap({ samples: 2048, seed: 0 });
  const modelTime = { ms: 0, rows: 0 };
  const timedPredict = model.predict.bind(model);
  const counting = { ...pipe, model: { ...model, predict: async (...args: Parameters<typeof model.predict>) => {
    const t = performance.now();
    const y = await timedPredict(...args);
    modelTime.ms += performance.now() - t;
    modelTime.rows += args[0].shape[0]!;
    return y;
  } } };
  const perRow = (await timeMedian(() => explainer.explain(pipe, x, { background, target: 1 }), 5, 1)) / 10;
  modelTime.ms = 0;
  modelTime.rows = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await explainer.explain(counting, x, { background, target: 1 });
  const total = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuPerRow = (cpu.user + cpu.system) / 1e6 / 10;
  const load = (await import('node:os')).loadavg()[0]!.toFixed(1);
  const exactPerRow = (await timeMedian(() => exactShapley({ maxPlayers: 20 }).explain(pipe, { data: x.data.slice(0, 40), nRows: 2, nFeatures: 20 }, { background, target: 1 }), 3, 1)) / 2;
  await model.dispose();
  return [
    {
      name: 'KernelSHAP, german MLP, 20 players, 2048 samples, bg 25',
      ours: perRow,
      reference: shapPerRow,
      unit: 's/row',
      referenceSource: 'timings.json kernel (shap 0.44 KernelExplainer, mlp.onnx run by torch)',
      note: `CPU ${cpuPerRow.toFixed(4)} s/row, load ${load}; model share ${((100 * modelTime.ms) / total).toFixed(0)}% (${(modelTime.rows / 10).toFixed(0)} model rows/row at ${((modelTime.rows / modelTime.ms) * 1e-3).toFixed(2)} M rows/s)`,
    },
    {
      name: 'exact Shapley, same game (all 2^20 coalitions via per-baseline decomposition)',
      ours: exactPerRow,
      unit: 's/row',
      note: 'no reference: shap would need 2^20 × 25 model rows per row',
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printResults('KernelSHAP', await run());
