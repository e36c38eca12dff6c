import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { loadDemoInputs } from '../src/cli/load-demo.js';
import { labelsOf } from '../src/data/schema-helpers.js';
import { rawMatrixFromTable } from '../src/encode/raw-matrix.js';
import { pipeline } from '../src/model/pipeline.js';
import { calibrationMetrics } from '../src/uncertainty/calibration/metrics.js';
import { checkProbabilities, softmax } from '../src/uncertainty/calibration/probabilities.js';
import { recalibrate } from '../src/uncertainty/calibration/recalibrate.js';
import { calibrationReport } from '../src/uncertainty/calibration/report.js';
import { fitTemperature } from '../src/uncertainty/calibration/temperature.js';
import { referencePath } from '../test/support/reference.js';
import { printResults, timeMedian, type BenchResult } from './types.js';

/**
 * Calibration figures (docs/uncertainty.md): the mnist reference matched (metrics and T, and the time to
 * fit T), and temperature scaling on the credit, digits and spam demos fitted on a label-stratified half
 * of the audited rows and judged on the other half. The figures are in the notes; the times are ours.
 */
async function reference(): Promise<BenchResult[]> {
  const p = JSON.parse(readFileSync(referencePath('calibration/mnist_test_probs.json'), 'utf8')) as { logits: number[][]; labels: number[] };
  const ref = JSON.parse(readFileSync(referencePath('calibration/calibration.json'), 'utf8')) as { before_scaling: { ece: number; nll: number }; temperature: { T_optimal: number } };
  const z = Float64Array.from(p.logits.flat());
  const y = Int32Array.from(p.labels);
  const fit = fitTemperature(z, y, 10);
  const m = calibrationMetrics(checkProbabilities(softmax(z, 10), y, 10));
  const fitTime = await timeMedian(() => fitTemperature(z, y, 10), 9);
  const metricsTime = await timeMedian(() => calibrationReport(checkProbabilities(softmax(z, 10), y, 10), { iterations: 1000 }), 3);
  return [
    { name: 'mnist 1500×10: fit T (Newton on log T)', ours: fitTime, unit: 's', note: `T ${fit.temperature.toFixed(10)} vs scipy ${ref.temperature.T_optimal.toFixed(10)} (Δ ${(fit.temperature - ref.temperature.T_optimal).toExponential(1)}), ${fit.iterations} steps` },
    { name: 'mnist 1500×10: metrics + 1000-resample intervals', ours: metricsTime, unit: 's', note: `ECE ${m.ece.toFixed(10)} vs numpy ${ref.before_scaling.ece.toFixed(10)}; NLL Δ ${(m.nll - ref.before_scaling.nll).toExponential(1)}` },
  ];
}

async function demo(name: string): Promise<BenchResult> {
  const inputs = await loadDemoInputs(name, { seed: 0 });
  const outputs = inputs.encoder ? await pipeline(inputs.model, inputs.encoder).predictRaw(rawMatrixFromTable(inputs.table, inputs.encoder.features)) : await inputs.model.predict(inputs.x!);
  const labels = labelsOf(inputs.table, inputs.schema);
  const k = inputs.model.outputWidth;
  const run = () => recalibrate('temperature', { values: outputs, k, space: 'probabilities' }, labels, { seed: 0, iterations: 1000 });
  const r = run();
  const seconds = await timeMedian(run, 3, 0);
  await inputs.model.dispose?.();
  const t = r.calibrator.kind === 'temperature' ? r.calibrator.temperature : Number.NaN;
  const iv = (x: { low: number; high: number }) => `[${x.low.toFixed(4)}, ${x.high.toFixed(4)}]`;
  return { name: `${name}: temperature scaling, ${r.split.calibrationRows} fit / ${r.split.evaluationRows} held out`, ours: seconds, unit: 's', note: `T ${t.toFixed(3)}; held-out ECE ${r.before.ece.toFixed(4)} ${iv(r.before.intervals.ece)} → ${r.after.ece.toFixed(4)} ${iv(r.after.intervals.ece)}; NLL ${r.before.nll.toFixed(4)} → ${r.after.nll.toFixed(4)}` };
}

export async function run(): Promise<BenchResult[]> {
  return [...(await reference()), await demo('credit'), await demo('digits'), await demo('spam')];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printResults('calibration', await run());
}
