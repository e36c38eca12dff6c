/**
 * LIME tabular on the german-credit MLP with lime_tabular.json's settings (5000 samples, 10 features,
 * quartile discretizer, explainer statistics built beforehand), the first 5 test rows — the workload
 * of timings.json `lime` (seconds per explanation). Prints the share of time inside the model.
 *
 * Run alone: `npx tsx bench/lime.bench.ts`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { limeTabular } from '../src/explain/lime/tabular.js';
import { germanMlp, germanOrdinal, referenceDir } from '../test/conformance/german-credit.js';
import { printResults, timeMedian, type BenchResult } from './types.js';

interface Timings {
  sections: { lime: { results: { explain_instance_5_rows: { seconds_per_explanation_median: number } } } };
}

export async function run(): Promise<BenchResult[]> {
  const timings = JSON.parse(readFileSync(resolve(referenceDir, 'timings.json'), 'utf8')) as Timings;
  const limePerRow = timings.sections.lime.results.explain_instance_5_rows.seconds_per_explanation_median;
  const { pipe, model } = await germanMlp();
  const { train, test } = germanOrdinal();
  const x = { data: test.data.slice(0, 5 * 20), nRows: 5, nFeatures: 20 };
  const explainer = limeTabular({ seed: 0 });
  const perRow = (await timeMedian(() => explainer.explain(pipe, x, { background: train, target: 1 }), 5, 1)) / 5;
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
  const load = (await import('node:os')).loadavg()[0]!.toFixed(1);
  await model.dispose();
  return [
    {
      name: 'LIME tabular, german MLP, 5000 samples, 10 features',
      ours: perRow,
      reference: limePerRow,
      unit: 's/row',
      referenceSource: 'timings.json lime (lime 0.2 explain_instance, explainer built beforehand)',
      note: `CPU ${cpuPerRow.toFixed(4)} s/row, load ${load}; model share ${((100 * modelMs) / total).toFixed(0)}%; training statistics built once per training matrix (lime: explainer built beforehand)`,
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printResults('LIME', await run());
