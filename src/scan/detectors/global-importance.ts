import type { RawMatrix } from '../../encode/encoder.js';
import { meanAbs } from '../../explain/attribution.js';
import { attributionBlocks } from '../../explain/charts.js';
import { kernelShap } from '../../explain/kernel-shap.js';
import { importanceBlock, pdpIceBlock } from '../../global/charts.js';
import { partialDependence } from '../../global/partial-dependence.js';
import { permutationImportance } from '../../global/permutation-importance.js';
import type { ReportBlock } from '../../report/blocks.js';
import { Rng } from '../../rng.js';
import type { Detector, DetectorResult, ScanContext } from '../detector.js';
import type { Finding } from '../finding.js';
import { labelledRows } from '../predictions.js';
import { reproduceCommand } from '../reproduce.js';

/** Sample sizes of the section (a scan must stay fast on a laptop). */
export const GLOBAL_IMPORTANCE_SETTINGS = Object.freeze({ repeats: 3, shapRows: 40, backgroundRows: 25, shapSamples: 512, pdpRows: 200, pdpFeatures: 2, gridSize: 15 });

/**
 * The global-importance section: permutation importance on the audited rows (score drop ± std),
 * mean |SHAP| from KernelSHAP on a seeded subsample (background: training rows), a beeswarm summary,
 * a waterfall of one row, and PDP/ICE curves of the two most important features.
 */
export const globalImportance: Detector = {
  id: 'global-importance',
  title: 'What the model relies on (global importance)',
  category: 'explanation',
  applies: (c) => (!c.pipeline || !c.raw ? 'needs tabular data with an encoder' : labelledRows(c.labels).length < 10 ? 'needs at least 10 labelled rows' : true),
  run: (c) => runGlobalImportance(c),
};

async function runGlobalImportance(c: ScanContext): Promise<DetectorResult> {
  const s = GLOBAL_IMPORTANCE_SETTINGS;
  const pipe = c.pipeline!;
  const rows = labelledRows(c.labels);
  const raw = take(c.raw!, rows);
  const labels = Float64Array.from(rows, (i) => c.labels[i]!);
  const signal = c.signal ? { signal: c.signal } : {};
  c.progress('global-importance: permutation importance');
  const imp = await permutationImportance(pipe, raw, labels, { repeats: s.repeats, seed: c.seed, metric: c.model.task === 'regression' ? 'r2' : 'accuracy', ...signal });
  const rng = new Rng(c.seed);
  const explained = take(raw, sample(rng, raw.nRows, s.shapRows));
  const bgSource = c.trainRaw ?? raw;
  const background = take(bgSource, sample(rng, bgSource.nRows, s.backgroundRows));
  c.progress(`global-importance: KernelSHAP on ${explained.nRows} rows`);
  const shap = await kernelShap({ samples: s.shapSamples, seed: c.seed }).explain(pipe, explained, { background, ...signal });
  const shapMean = meanAbs(shap);
  const order = Array.from(imp.importances.keys()).sort((a, b) => imp.importances[b]! - imp.importances[a]!);
  const blocks: ReportBlock[] = [
    { kind: 'text', markdown: `Permutation importance shuffles one feature at a time on the ${raw.nRows} audited rows (${s.repeats} repeats, seed ${c.seed}) and measures the drop in ${imp.metric}. Mean |SHAP| comes from KernelSHAP (${s.shapSamples} coalitions) on ${explained.nRows} sampled rows against ${background.nRows} training rows.` },
    importanceBlock(imp),
    {
      kind: 'table',
      caption: 'Importance per feature',
      columns: ['feature', `drop in ${imp.metric}`, '± std', 'mean |SHAP|'],
      rows: order.map((j) => [imp.featureNames[j]!, imp.importances[j]!, imp.std[j]!, shapMean[j]!]),
    },
    ...attributionBlocks(shap, explained, { rows: 1 }),
  ];
  const pdpRaw = take(raw, sample(rng, raw.nRows, s.pdpRows));
  for (const j of order.slice(0, s.pdpFeatures)) blocks.push(pdpIceBlock(await partialDependence(pipe, pdpRaw, j, { gridSize: s.gridSize, ...signal })));
  const top = order.slice(0, 3).map((j) => `${imp.featureNames[j]} (${imp.importances[j]!.toFixed(3)} ± ${imp.std[j]!.toFixed(3)})`);
  const finding: Finding = {
    id: 'global-importance/top-features',
    detector: 'global-importance',
    severity: 'info',
    title: `The model relies most on ${order.slice(0, 3).map((j) => imp.featureNames[j]).join(', ')}`,
    summary: `Shuffling each feature lowers ${imp.metric} (baseline ${imp.baseline.toFixed(4)}) by: ${top.join(', ')}.`,
    metric: `permutation_importance_${imp.metric}`,
    value: imp.importances[order[0]!]!,
    examples: [],
    evidence: { n: raw.nRows, repeats: s.repeats, seed: c.seed, shapRows: explained.nRows, backgroundRows: background.nRows, shapSamples: s.shapSamples },
    suggestion: 'Check that the top features are ones the model should use; see the Clever Hans section for id-like or leaked features.',
    reproduce: reproduceCommand(c),
  };
  return {
    findings: [finding],
    sections: [{ id: 'global-importance', title: 'Global importance', blocks }],
    data: { metric: imp.metric, baseline: imp.baseline, featureNames: imp.featureNames, importances: Array.from(imp.importances), std: Array.from(imp.std), meanAbsShap: Array.from(shapMean) },
  };
}

function sample(rng: Rng, n: number, k: number): Int32Array {
  if (n <= k) return Int32Array.from({ length: n }, (_, i) => i);
  return rng.permutation(n).slice(0, k).sort();
}

function take(raw: RawMatrix, rows: Int32Array): RawMatrix {
  const f = raw.nFeatures;
  const data = new Float64Array(rows.length * f);
  rows.forEach((r, i) => data.set(raw.data.subarray(r * f, (r + 1) * f), i * f));
  return { data, nRows: rows.length, nFeatures: f };
}
