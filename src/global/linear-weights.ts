import { GlassboxError } from '../errors.js';
import type { RawMatrix } from '../encode/encoder.js';
import { inputToFeatureIndex } from '../encode/encoder.js';
import { positiveClassIndex } from '../model/model.js';
import type { Pipeline } from '../model/pipeline.js';
import { solveDense } from '../math/dense.js';
import { predictRawBatched } from './predict.js';

/** A model that exposes its linear weights (structural: any adapter may implement it). */
export interface LinearWeightsCapable {
  linearWeights(): { readonly weights: Float64Array | Float32Array; readonly bias: number; readonly link: 'identity' | 'logit' };
}

export function hasLinearWeights(model: object): model is LinearWeightsCapable {
  return typeof (model as Partial<LinearWeightsCapable>).linearWeights === 'function';
}

export interface LinearWeights {
  readonly method: 'linear-weights';
  /** 'model' when read from the model; 'surrogate' when a logistic/linear model was fitted to its outputs. */
  readonly source: 'model' | 'surrogate';
  readonly link: 'identity' | 'logit';
  /** Per model-input column (after encoding): name ("feature" or "feature=category"), weight, odds ratio. */
  readonly columns: readonly string[];
  readonly weights: Float64Array;
  readonly bias: number;
  /** exp(weight) for a logit link (the odds multiplier per unit of the encoded input), else undefined. */
  readonly oddsRatios?: Float64Array;
  /** Raw feature of each column. */
  readonly featureOfColumn: Int32Array;
  /** For a surrogate: R² of the fitted linear predictor against the model's logit (or output). */
  readonly fidelity?: number;
}

/**
 * Weights and odds ratios of a linear/logistic model. When the model exposes its weights
 * (`linearWeights()`), they are reported as they are. Otherwise a surrogate is fitted: least squares
 * of the model's logit of P(target) (binary; clipped to [1e-6, 1 − 1e-6]) or output (regression) on
 * the encoded inputs, with a tiny ridge (1e-8) for one-hot collinearity. For a model that truly is
 * logistic on these inputs this recovers its weights exactly (fidelity 1); a low fidelity says the model
 * is not linear and the weights are only a first-order summary. Multiclass models are not supported.
 */
export async function linearWeights(pipe: Pipeline, raw?: RawMatrix, options: { signal?: AbortSignal } = {}): Promise<LinearWeights> {
  const encoder = pipe.encoder;
  const columns = encoder.features.flatMap((f) => (f.type === 'categorical' ? Array.from({ length: f.width }, (_, k) => `${f.name}=${f.categories?.[k] ?? k}`) : Array.from({ length: f.width }, (_, k) => (f.width === 1 ? f.name : `${f.name}[${k}]`))));
  const featureOfColumn = inputToFeatureIndex(encoder);
  if (hasLinearWeights(pipe.model)) {
    const { weights, bias, link } = pipe.model.linearWeights();
    const w = Float64Array.from(weights);
    return { method: 'linear-weights', source: 'model', link, columns, weights: w, bias, ...(link === 'logit' ? { oddsRatios: w.map(Math.exp) } : {}), featureOfColumn };
  }
  if (pipe.model.task === 'multiclass') throw new GlassboxError('unsupported_model', 'linearWeights: a multiclass model has one weight vector per class; explain one class with a binary surrogate instead', { hint: 'Use surrogateTree or permutationImportance for multiclass models.' });
  if (!raw) throw new GlassboxError('invalid_argument', 'linearWeights: this model does not expose weights, so rows are needed to fit a surrogate', { argument: 'raw', hint: 'Pass the data (e.g. the training split) to fit a logistic surrogate.' });
  const out = await predictRawBatched(pipe, raw, options.signal);
  const width = pipe.model.outputWidth;
  const t = positiveClassIndex(pipe.model) ?? 0;
  const link = pipe.model.task === 'binary' ? 'logit' : 'identity';
  const y = Float64Array.from({ length: raw.nRows }, (_, i) => {
    const v = out[i * width + t]!;
    if (link === 'identity') return v;
    const p = Math.min(1 - 1e-6, Math.max(1e-6, v));
    return Math.log(p / (1 - p));
  });
  const x = encoder.encode(raw);
  const { weights, bias, r2 } = leastSquares(x, y, encoder.outputWidth);
  return { method: 'linear-weights', source: 'surrogate', link, columns, weights, bias, ...(link === 'logit' ? { oddsRatios: weights.map(Math.exp) } : {}), featureOfColumn, fidelity: r2 };
}

function leastSquares(x: Float32Array, y: Float64Array, p: number): { weights: Float64Array; bias: number; r2: number } {
  const n = y.length;
  const q = p + 1;
  const gram = new Float64Array(q * q);
  const rhs = new Float64Array(q);
  const row = new Float64Array(q);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < p; a++) row[a] = x[i * p + a]!;
    row[p] = 1;
    for (let a = 0; a < q; a++) {
      rhs[a]! += row[a]! * y[i]!;
      for (let b = a; b < q; b++) gram[a * q + b]! += row[a]! * row[b]!;
    }
  }
  for (let a = 0; a < q; a++) {
    for (let b = 0; b < a; b++) gram[a * q + b] = gram[b * q + a]!;
    if (a < p) gram[a * q + a]! += 1e-8 * n;
  }
  // tiny = 0: the 1e-8·n ridge already regularises collinear columns; only an exactly zero pivot fails.
  const beta = solveDense(gram, rhs, q, 0);
  if (!beta) throw new GlassboxError('not_converged', 'linear weights: the surrogate\'s normal equations are singular (a constant or empty input).', { hint: 'Explain more rows, or drop constant columns.' });
  let mean = 0;
  for (const v of y) mean += v / n;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < n; i++) {
    let pred = beta[p]!;
    for (let a = 0; a < p; a++) pred += beta[a]! * x[i * p + a]!;
    res += (y[i]! - pred) ** 2;
    tot += (y[i]! - mean) ** 2;
  }
  return { weights: beta.slice(0, p), bias: beta[p]!, r2: tot === 0 ? 1 : 1 - res / tot };
}
