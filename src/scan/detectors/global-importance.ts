import type { RawMatrix } from '../../encode/encoder.js';
import { meanAbs } from '../../explain/attribution.js';
import { attributionBlocks, featureValues, type FeatureValues } from '../../explain/charts.js';
import { kernelShap } from '../../explain/kernel-shap.js';
import { treeShap } from '../../explain/tree-shap.js';
import { treeShapReportBlocks } from '../../explain/tree/charts.js';
import type { Attribution } from '../../explain/attribution.js';
import { rankFeatures, treeImportance } from '../../global/tree-importance.js';
import { isTreeEnsemble, type TreeEnsembleCapable } from '../../model/capabilities.js';
import type { TreeEnsemble } from '../../model/trees/ir.js';
import { importanceBlock, pdpIceBlock } from '../../global/charts.js';
import { partialDependence } from '../../global/partial-dependence.js';
import { permutationImportance } from '../../global/permutation-importance.js';
import type { ReportBlock } from '../../results/blocks.js';
import { Rng } from '../../rng.js';
import type { Detector, DetectorResult, ScanContext } from '../detector.js';
import type { Finding } from '../../results/finding.js';
import { labelledRows } from '../predictions.js';
import { reproduceCommand } from '../reproduce.js';
import { notTabular } from './not-applicable.js';

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
  applies: (c) => (!c.pipeline || !c.raw ? notTabular(c) : labelledRows(c.labels).length < 10 ? 'needs at least 10 labelled rows' : true),
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
  const explainedRows = sample(rng, raw.nRows, s.shapRows);
  const explained = take(raw, explainedRows);
  // charts name rows by their 0-based data row id in the input file, as every command does
  const explainedIds = Int32Array.from(explainedRows, (k) => c.table.rowIds[rows[k]!]!);
  const bgSource = c.trainRaw ?? raw;
  const background = take(bgSource, sample(rng, bgSource.nRows, s.backgroundRows));
  const useTrees = isTreeEnsemble(c.model);
  c.progress(`global-importance: ${useTrees ? 'TreeSHAP' : 'KernelSHAP'} on ${explained.nRows} rows`);
  const shap = useTrees
    ? await treeShap({ algorithm: 'path-dependent', output: 'margin', threads: 1 }).explain(pipe, explained, signal)
    : await kernelShap({ samples: s.shapSamples, seed: c.seed }).explain(pipe, explained, { background, ...signal });
  const shapMean = meanAbs(shap);
  const shapMethod = useTrees
    ? `exact path-dependent TreeSHAP in margin (log-odds) space, chosen because the model is a tree ensemble (no sampling, no background)`
    : `KernelSHAP (${s.shapSamples} coalitions against ${background.nRows} training rows), chosen because the model exposes no trees an exact method could use`;
  const order = Array.from(imp.importances.keys()).sort((a, b) => imp.importances[b]! - imp.importances[a]!);
  const blocks: ReportBlock[] = [
    { kind: 'text', markdown: `Permutation importance shuffles one feature at a time on the ${raw.nRows} audited rows (${s.repeats} repeats, seed ${c.seed}) and measures the drop in ${imp.metric}. Mean |SHAP| comes from ${shapMethod}, on ${explained.nRows} sampled rows.` },
    importanceBlock(imp),
    {
      kind: 'table',
      caption: 'Importance per feature',
      columns: ['feature', `drop in ${imp.metric}`, '± std', 'mean |SHAP|'],
      rows: order.map((j) => [imp.featureNames[j]!, imp.importances[j]!, imp.std[j]!, shapMean[j]!]),
    },
    ...attributionBlocks(shap, featureValues(explained, pipe.encoder.features), { rows: 1, rowIds: explainedIds }),
    ...(useTrees ? treeBlocks(c, shap, featureValues(explained, pipe.encoder.features)) : []),
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
    evidence: { n: raw.nRows, repeats: s.repeats, seed: c.seed, shapMethod: useTrees ? 'tree-shap' : 'kernel-shap', shapRows: explained.nRows, ...(useTrees ? {} : { backgroundRows: background.nRows, shapSamples: s.shapSamples }) },
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

/** Tree models: gain, cover and split counts read from the trees, and dependence plots coloured by the strongest interaction. */
function treeBlocks(c: ScanContext, shap: Attribution, explained: FeatureValues): ReportBlock[] {
  const ensemble = (c.model as unknown as TreeEnsembleCapable).treeEnsemble() as TreeEnsemble;
  if (ensemble.nFeatures !== shap.featureNames.length) return [];
  const importance = treeImportance(ensemble, shap);
  const order = rankFeatures(importance, 'gain');
  return [
    {
      kind: 'table',
      caption: 'Tree importance (XGBoost get_score semantics: gain and cover are averages per split)',
      columns: ['feature', 'gain', 'total gain', 'cover', 'splits', 'mean |SHAP|'],
      rows: order.map((j) => [shap.featureNames[j]!, importance.gain[j]!, importance.totalGain[j]!, importance.cover[j]!, importance.splitCount[j]!, importance.meanAbsShap?.[j] ?? null]),
    },
    // the section already holds this attribution's beeswarm (attributionBlocks): one per explainer
    ...treeShapReportBlocks(shap, explained, { top: 2, beeswarm: false }),
  ];
}
