import { GlassboxError } from '../../errors.js';
import { leafIndex, loadRow } from './decide.js';
import type { TreeEnsemble } from './ir.js';

/**
 * Raw margins (sum of leaf values + base margin) for n rows of `data` (row-major, nFeatures columns).
 * Returns n × nGroups. XGBoost models are summed in float32 in tree order, as XGBoost's CPU predictor
 * does, so margins match `output_margin=True` bit for bit.
 */
export function predictMargin(e: TreeEnsemble, data: ArrayLike<number>, nRows: number): Float64Array {
  checkWidth(e, data.length, nRows);
  const g = e.nGroups;
  const out = new Float64Array(nRows * g);
  const row = new Float64Array(e.nFeatures);
  const f32 = e.accumulate === 'float32';
  for (let i = 0; i < nRows; i++) {
    loadRow(e, data, i * e.nFeatures, row);
    for (let k = 0; k < g; k++) out[i * g + k] = f32 ? Math.fround(e.baseMargin[k]!) : e.baseMargin[k]!;
    for (let t = 0; t < e.nTrees; t++) {
      const leaf = leafIndex(e, e.treeStart[t]!, row);
      const o = i * g + e.treeGroup[t]!;
      out[o] = f32 ? Math.fround(out[o]! + e.value[leaf]!) : out[o]! + e.value[leaf]!;
    }
  }
  return out;
}

function checkWidth(e: TreeEnsemble, length: number, nRows: number): void {
  if (length !== nRows * e.nFeatures) {
    throw new GlassboxError('shape_mismatch', `The tree model expects ${e.nFeatures} features per row but the data has ${length / Math.max(1, nRows)} (${length} values for ${nRows} rows)`, {
      count: length,
      hint: `Pass exactly the ${e.nFeatures} columns the model was trained on (${e.featureNames.slice(0, 5).join(', ')}${e.nFeatures > 5 ? ', …' : ''}), in that order.`,
    });
  }
}

/** Numerically stable logistic function. */
export function sigmoid(m: number): number {
  if (m >= 0) return 1 / (1 + Math.exp(-m));
  const z = Math.exp(m);
  return z / (1 + z);
}

/**
 * The model's output columns from margins: binary → [1 − p, p]; multiclass softmax → K probabilities;
 * identity link → the margins themselves (one column per group).
 */
export function marginsToOutputs(e: TreeEnsemble, margins: Float64Array, nRows: number): Float64Array {
  const g = e.nGroups;
  if (g === 1 && e.task === 'binary') {
    // one score for a binary task: logistic link → P(positive); identity (ONNX NONE) → the score is P(positive)
    const out = new Float64Array(nRows * 2);
    for (let i = 0; i < nRows; i++) {
      const p = e.link === 'logistic' ? sigmoid(margins[i]!) : margins[i]!;
      out[2 * i] = 1 - p;
      out[2 * i + 1] = p;
    }
    return out;
  }
  const out = new Float64Array(nRows * g);
  if (e.link === 'softmax') {
    for (let i = 0; i < nRows; i++) softmaxInto(margins, i * g, g, out);
  } else if (e.link === 'logistic') {
    for (let i = 0; i < margins.length; i++) out[i] = sigmoid(margins[i]!);
  } else {
    out.set(margins);
  }
  return out;
}

function softmaxInto(m: Float64Array, offset: number, g: number, out: Float64Array): void {
  let max = -Infinity;
  for (let k = 0; k < g; k++) max = Math.max(max, m[offset + k]!);
  let sum = 0;
  for (let k = 0; k < g; k++) {
    const v = Math.exp(m[offset + k]! - max);
    out[offset + k] = v;
    sum += v;
  }
  for (let k = 0; k < g; k++) out[offset + k]! /= sum;
}
