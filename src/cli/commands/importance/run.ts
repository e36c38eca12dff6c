import { labelsOf } from '../../../data/schema-helpers.js';
import { rawMatrixFromTable } from '../../../encode/raw-matrix.js';
import { GlassboxError } from '../../../errors.js';
import { importanceBlock, pdpIceBlock } from '../../../global/charts.js';
import { linearWeights } from '../../../global/linear-weights.js';
import { partialDependence } from '../../../global/partial-dependence.js';
import { permutationImportance } from '../../../global/permutation-importance.js';
import type { MetricOption } from '../../../global/metric.js';
import { surrogateTree } from '../../../global/surrogate-tree.js';
import { pipeline, type Pipeline } from '../../../model/pipeline.js';
import { isTreeEnsemble } from '../../../model/capabilities.js';
import type { TreeEnsemble } from '../../../model/trees/ir.js';
import { treeShap } from '../../../explain/tree-shap.js';
import { featureValues } from '../../../explain/charts.js';
import { treeShapReportBlocks } from '../../../explain/tree/charts.js';
import { rankFeatures, treeImportance } from '../../../global/tree-importance.js';
import type { RawMatrix } from '../../../encode/encoder.js';
import type { ReportBlock } from '../../../results/blocks.js';
import { renderBlocks } from '../../render.js';
import { loadInputs } from '../../load-inputs.js';
import type { InputFlags } from '../../load-inputs.js';
import { parseChoice, parseFeatures, parseIntegerFlag } from '../../options.js';

import { IMPORTANCE_METHODS as METHODS, IMPORTANCE_METRICS as METRICS } from './flags.js';

export interface ImportanceFlags extends InputFlags {
  method?: string;
  features?: string;
  repeats?: string;
  metric?: string;
  seed?: string;
  depth?: string;
  grid?: string;
  format?: string;
}


/** `glassbox importance`: global explanations (permutation importance, PDP/ICE, surrogate tree, linear weights). */
export async function runImportance(flags: ImportanceFlags, signal?: AbortSignal): Promise<string> {
  const method = parseChoice('--method', flags.method, METHODS, 'permutation');
  const format = parseChoice('--format', flags.format, ['json', 'html'] as const, 'json');
  const seed = parseIntegerFlag('--seed', flags.seed, 0);
  const inputs = await loadInputs(flags, { seed, requireLabels: method === 'permutation' });
  if (!inputs.encoder) throw new GlassboxError('invalid_argument', 'glassbox importance works on tabular models: pass --preprocess or a schema', { argument: '--preprocess' });
  const pipe = pipeline(inputs.model, inputs.encoder);
  const raw = rawMatrixFromTable(inputs.table, inputs.encoder.features);
  const opts = signal ? { signal } : {};
  let result: unknown;
  const blocks: ReportBlock[] = [];
  if (method === 'permutation') {
    const all = labelsOf(inputs.table, inputs.schema);
    const keep = Int32Array.from(Array.from(all.keys()).filter((i) => all[i]! >= 0));
    const labels = Float64Array.from(keep, (i) => all[i]!);
    const f = raw.nFeatures;
    const labelled = { data: Float64Array.from({ length: keep.length * f }, (_, k) => raw.data[keep[Math.floor(k / f)]! * f + (k % f)]!), nRows: keep.length, nFeatures: f };
    const metric = flags.metric === undefined ? undefined : (parseChoice('--metric', flags.metric, METRICS, 'accuracy') as MetricOption);
    const p = await permutationImportance(pipe, labelled, labels, { repeats: parseIntegerFlag('--repeats', flags.repeats, 5), seed, ...(metric ? { metric } : {}), ...opts });
    blocks.push(importanceBlock(p));
    result = { ...p, importances: Array.from(p.importances), std: Array.from(p.std), drops: Array.from(p.drops) };
  } else if (method === 'pdp') {
    const features = flags.features ? parseFeatures(flags.features, inputs.encoder.features) : [0, 1, 2].filter((j) => j < raw.nFeatures);
    const curves = [];
    for (const j of features) {
      const pd = await partialDependence(pipe, raw, j, { gridSize: parseIntegerFlag('--grid', flags.grid, 20), ...opts });
      blocks.push(pdpIceBlock(pd));
      curves.push({ ...pd, grid: Array.from(pd.grid), average: Array.from(pd.average), ice: undefined });
    }
    result = { method: 'partial-dependence', curves };
  } else if (method === 'tree') {
    result = await treeImportanceResult(pipe, raw, blocks);
  } else if (method === 'surrogate') {
    const tree = await surrogateTree(pipe, raw, { maxDepth: parseIntegerFlag('--depth', flags.depth, 3), ...opts });
    blocks.push({ kind: 'text', markdown: `Surrogate tree fidelity ${tree.fidelity.toFixed(4)}:\n${tree.rules.join('\n')}` });
    result = tree;
  } else {
    const lw = await linearWeights(pipe, inputs.train ? rawMatrixFromTable(inputs.train, inputs.encoder.features) : raw, opts);
    result = { ...lw, weights: Array.from(lw.weights), oddsRatios: lw.oddsRatios ? Array.from(lw.oddsRatios) : undefined, featureOfColumn: Array.from(lw.featureOfColumn) };
  }
  if (format === 'json') return `${JSON.stringify(result)}\n`;
  return renderBlocks('html', `glassbox importance — ${method}`, blocks);
}

/** Tree models: split count, gain and cover read from the trees (XGBoost get_score semantics) and mean |TreeSHAP|. */
async function treeImportanceResult(pipe: Pipeline, raw: RawMatrix, blocks: ReportBlock[]): Promise<unknown> {
  if (!isTreeEnsemble(pipe.model)) {
    throw new GlassboxError('missing_capability', '--method tree needs a tree model (XGBoost, LightGBM or ONNX TreeEnsemble).', { argument: '--method', hint: 'Use --method permutation for other models.' });
  }
  const shap = await treeShap({ algorithm: 'path-dependent', output: 'margin' }).explain(pipe, raw);
  const importance = treeImportance(pipe.model.treeEnsemble() as TreeEnsemble, shap);
  const names = shap.featureNames;
  const order = rankFeatures(importance, 'gain');
  blocks.push({
    kind: 'table',
    caption: 'Tree importance (gain and cover are averages per split, as XGBoost get_score)',
    columns: ['feature', 'gain', 'total gain', 'cover', 'total cover', 'splits', 'mean |SHAP|'],
    rows: order.map((j) => [names[j]!, importance.gain[j]!, importance.totalGain[j]!, importance.cover[j]!, importance.totalCover[j]!, importance.splitCount[j]!, importance.meanAbsShap?.[j] ?? null]),
  });
  blocks.push(...treeShapReportBlocks(shap, featureValues(raw, pipe.encoder.features), { top: 3 }));
  const list = (v: Float64Array | undefined): number[] | undefined => (v ? Array.from(v) : undefined);
  return {
    method: 'tree',
    featureNames: names,
    splitCount: list(importance.splitCount),
    gain: list(importance.gain),
    totalGain: list(importance.totalGain),
    cover: list(importance.cover),
    totalCover: list(importance.totalCover),
    meanAbsShap: list(importance.meanAbsShap),
  };
}
