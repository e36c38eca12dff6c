import { GlassboxError } from '../errors.js';
import type { RawMatrix } from '../encode/encoder.js';
import { cartRules as rules, fitCart, predict, type SurrogateNode } from '../model/interpretable/cart.js';
import type { Pipeline } from '../model/pipeline.js';
import { predictRawBatched } from './predict.js';
import { argmaxOfRows } from '../math/argmax-rows.js';

/** CART itself lives with the interpretable learners (model/interpretable/cart.ts); kept here for existing callers. */
export { fitCart, predict, type SurrogateNode };

export interface SurrogateTree {
  readonly method: 'surrogate-tree';
  readonly task: 'classification' | 'regression';
  readonly root: SurrogateNode;
  /** Agreement with the model on the data it was fitted on: accuracy (classification) or R² (regression). */
  readonly fidelity: number;
  readonly rules: readonly string[];
  readonly featureNames: readonly string[];
  readonly classes: readonly string[];
}

/**
 * A global surrogate: a CART tree (Breiman et al. 1984; Craven & Shavlik 1996 for the idea of
 * mimicking a model) fitted to the model's own predictions on raw rows — its predicted class (Gini) or
 * its output (variance) — with readable rules and its fidelity to the model. Numeric features split at
 * midpoints (x <= t), categoricals one category against the rest (x == c).
 */
export async function surrogateTree(pipe: Pipeline, raw: RawMatrix, options: { maxDepth?: number; minSamplesLeaf?: number; signal?: AbortSignal } = {}): Promise<SurrogateTree> {
  const maxDepth = options.maxDepth ?? 3;
  const minLeaf = options.minSamplesLeaf ?? 5;
  if (!(maxDepth >= 1 && minLeaf >= 1)) throw new GlassboxError('invalid_argument', 'surrogateTree: maxDepth and minSamplesLeaf must be ≥ 1', { hint: 'Use e.g. maxDepth 3, minSamplesLeaf 5.' });
  const width = pipe.model.outputWidth;
  const out = await predictRawBatched(pipe, raw, options.signal);
  const regression = pipe.model.task === 'regression';
  const y = regression ? Float64Array.from(out) : Float64Array.from(argmaxOfRows(out, out.length / width, width));
  const root = fitCart(raw, y, regression ? 0 : width, pipe.encoder.features, { maxDepth, minSamplesLeaf: minLeaf, ...(options.signal ? { signal: options.signal } : {}) });
  const predicted = Float64Array.from({ length: raw.nRows }, (_, i) => predict(root, raw, i));
  const fidelity = regression ? r2(y, predicted) : predicted.reduce((s, p, i) => s + (p === y[i] ? 1 : 0), 0) / raw.nRows;
  const names = pipe.encoder.features.map((f) => f.name);
  const classes = pipe.model.classes;
  return { method: 'surrogate-tree', task: regression ? 'regression' : 'classification', root, fidelity, rules: rules(root, pipe.encoder.features, classes, regression), featureNames: names, classes };
}

function r2(y: Float64Array, p: Float64Array): number {
  const mean = y.reduce((s, v) => s + v, 0) / y.length;
  let res = 0;
  let tot = 0;
  y.forEach((v, i) => {
    res += (v - p[i]!) ** 2;
    tot += (v - mean) ** 2;
  });
  return tot === 0 ? 1 : 1 - res / tot;
}

