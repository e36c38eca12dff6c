import { GlassboxError } from '../errors.js';
import type { TreeEnsemble } from '../model/trees/ir.js';

/** Per-feature importance of a tree ensemble, in the ensemble's feature order. */
export interface TreeImportance {
  readonly featureNames: readonly string[];
  /** Number of splits on the feature (XGBoost importance_type 'weight'). */
  readonly splitCount: Float64Array;
  /** Sum of split gains (XGBoost 'total_gain'; LightGBM importance_type='gain'). */
  readonly totalGain: Float64Array;
  /** Average gain per split (XGBoost 'gain' = total_gain / weight); 0 for unused features. */
  readonly gain: Float64Array;
  /** Sum of split covers (XGBoost 'total_cover'). */
  readonly totalCover: Float64Array;
  /** Average cover per split (XGBoost 'cover'). */
  readonly cover: Float64Array;
  /** Mean |SHAP value| over the explained rows, when SHAP values were supplied. */
  readonly meanAbsShap?: Float64Array;
}

/** Anything shaped like an Attribution: rows × features values (an Attribution from tree-shap fits). */
export interface ShapMatrix {
  readonly values: Float64Array;
  readonly shape: readonly number[];
}

/**
 * Gain, cover and split-count importance read from the trees, with XGBoost's `get_score` semantics
 * ('weight', 'gain' = average gain per split, 'cover' = average cover per split, 'total_gain',
 * 'total_cover'), plus mean |SHAP| (Lundberg et al. 2020's global importance) when `shap` — e.g. a
 * tree-shap Attribution over the same features — is given. Unused features get 0 (XGBoost omits them).
 */
export function treeImportance(e: TreeEnsemble, shap?: ShapMatrix): TreeImportance {
  const m = e.nFeatures;
  const splitCount = new Float64Array(m);
  const totalGain = new Float64Array(m);
  const totalCover = new Float64Array(m);
  for (let n = 0; n < e.feature.length; n++) {
    const f = e.feature[n]!;
    if (f < 0) continue;
    splitCount[f]! += 1;
    const g = e.gain[n]!;
    const c = e.cover[n]!;
    if (Number.isFinite(g)) totalGain[f]! += g;
    if (Number.isFinite(c)) totalCover[f]! += c;
  }
  const perSplit = (total: Float64Array): Float64Array => total.map((v, j) => (splitCount[j]! > 0 ? v / splitCount[j]! : 0));
  return {
    featureNames: e.featureNames,
    splitCount,
    totalGain,
    gain: perSplit(totalGain),
    totalCover,
    cover: perSplit(totalCover),
    ...(shap ? { meanAbsShap: meanAbsColumns(shap, m) } : {}),
  };
}

function meanAbsColumns(shap: ShapMatrix, m: number): Float64Array {
  const rows = shap.shape[0] ?? 0;
  const width = shap.shape[1] ?? 0;
  if (width !== m || shap.values.length !== rows * width) {
    throw new GlassboxError('shape_mismatch', `treeImportance: the SHAP values have ${width} columns but the model has ${m} features`, { argument: 'shap', hint: 'Pass tree-shap values computed on this model without an encoder that merges columns.' });
  }
  const out = new Float64Array(m);
  for (let r = 0; r < rows; r++) for (let j = 0; j < m; j++) out[j]! += Math.abs(shap.values[r * m + j]!);
  for (let j = 0; j < m; j++) out[j]! /= Math.max(1, rows);
  return out;
}

export type TreeImportanceKind = 'mean-abs-shap' | 'gain' | 'total-gain' | 'cover' | 'total-cover' | 'split-count';

/** Feature indices sorted by one importance kind, largest first (ties by index). */
export function rankFeatures(importance: TreeImportance, kind: TreeImportanceKind): number[] {
  const values = {
    'mean-abs-shap': importance.meanAbsShap,
    gain: importance.gain,
    'total-gain': importance.totalGain,
    cover: importance.cover,
    'total-cover': importance.totalCover,
    'split-count': importance.splitCount,
  }[kind];
  if (!values) throw new GlassboxError('invalid_argument', `rankFeatures: importance kind '${kind}' is not available (no SHAP values were given)`, { argument: 'kind', hint: 'Pass tree-shap values to treeImportance to rank by mean |SHAP|.' });
  return Array.from(values.keys()).sort((a, b) => values[b]! - values[a]! || a - b);
}
