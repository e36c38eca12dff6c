import type { RawMatrix } from '../../encode/encoder.js';
import { l1Path } from '../../math/l1-path.js';
import { toRng } from '../../rng.js';
import type { LearnerFeature } from './binning.js';
import { checkLearnerInputs } from './check-inputs.js';
import type { LearnerTask } from './gam/types.js';
import { stratifiedHoldout } from './holdout.js';

export interface SparseLinearOptions {
  /** λ values on the path (default 50). */
  readonly lambdas?: number;
  /** Share of rows held out to choose λ by validation loss (default 0.2). */
  readonly validationSize?: number;
  readonly seed?: number;
  readonly signal?: AbortSignal;
}

/** One column of the linear model's design: a numeric feature, or one category of a categorical feature. */
export interface DesignColumn {
  readonly feature: number;
  readonly name: string;
  /** For a category indicator: the category's code. */
  readonly category?: number;
}

/** A lasso-regularised logistic (binary) or linear (regression) model with its whole path. */
export interface SparseLinear {
  readonly kind: 'linear';
  readonly task: LearnerTask;
  readonly featureNames: readonly string[];
  readonly columns: readonly DesignColumn[];
  /** Training means that replace missing numeric values. */
  readonly fill: Float64Array;
  /** The λ chosen (lowest validation loss), its coefficients on the original columns, and intercept. */
  readonly lambda: number;
  readonly coefficients: Float64Array;
  readonly intercept: number;
  /** Coefficients per unit of standard deviation: comparable across columns. */
  readonly standardized: Float64Array;
  readonly path: { readonly lambdas: Float64Array; readonly nonzero: Int32Array; readonly validationLoss: Float64Array; readonly chosen: number };
  readonly converged: boolean;
  readonly seed: number;
}

/** The design columns: numbers as they are, each category as a 0/1 indicator (missing and unknown: all 0). */
export function designColumns(features: readonly LearnerFeature[]): DesignColumn[] {
  return features.flatMap((f, j): DesignColumn[] => (f.type === 'categorical' ? (f.categories ?? []).map((c, k) => ({ feature: j, name: `${f.name} = ${c}`, category: k })) : [{ feature: j, name: f.name }]));
}

/** Row-major n × columns design matrix; missing numbers become `fill`. */
export function designMatrix(raw: RawMatrix, columns: readonly DesignColumn[], fill: Float64Array): Float64Array {
  const d = columns.length;
  const out = new Float64Array(raw.nRows * d);
  for (let i = 0; i < raw.nRows; i++) {
    for (let c = 0; c < d; c++) {
      const col = columns[c]!;
      const v = raw.data[i * raw.nFeatures + col.feature]!;
      out[i * d + c] = col.category === undefined ? (Number.isNaN(v) ? fill[col.feature]! : v) : v === col.category ? 1 : 0;
    }
  }
  return out;
}

function columnMeans(raw: RawMatrix): Float64Array {
  const fill = new Float64Array(raw.nFeatures);
  for (let j = 0; j < raw.nFeatures; j++) {
    let s = 0;
    let k = 0;
    for (let i = 0; i < raw.nRows; i++) {
      const v = raw.data[i * raw.nFeatures + j]!;
      if (!Number.isNaN(v)) {
        s += v;
        k++;
      }
    }
    fill[j] = k > 0 ? s / k : 0;
  }
  return fill;
}

/**
 * Sparse logistic (binary) or linear (regression) regression: numbers and one-hot categories,
 * standardised, the lasso path by coordinate descent (glmnet; see math/l1-path.ts) fitted on all but a
 * stratified `validationSize` share of the rows, and λ chosen where the held-out loss is lowest.
 */
export function fitSparseLinear(raw: RawMatrix, y: ArrayLike<number>, features: readonly LearnerFeature[], task: LearnerTask, options: SparseLinearOptions = {}): SparseLinear {
  const target = checkLearnerInputs(raw, y, features, task, 'fitSparseLinear');
  const seed = options.seed ?? 0;
  const columns = designColumns(features);
  const fill = columnMeans(raw);
  const x = designMatrix(raw, columns, fill);
  const d = columns.length;
  const { fit, holdout } = stratifiedHoldout(target, task, options.validationSize ?? 0.2, toRng(seed));
  const take = (rows: Int32Array): Float64Array => {
    const out = new Float64Array(rows.length * d);
    rows.forEach((r, k) => out.set(x.subarray(r * d, (r + 1) * d), k * d));
    return out;
  };
  const path = l1Path(take(fit), fit.length, d, Float64Array.from(fit, (r) => target[r]!), task === 'binary' ? 'binomial' : 'gaussian', { ...(options.lambdas ? { lambdas: options.lambdas } : {}), ...(options.signal ? { signal: options.signal } : {}) });
  const nL = path.lambdas.length;
  const validationLoss = new Float64Array(nL);
  const nonzero = new Int32Array(nL);
  const xv = take(holdout);
  for (let k = 0; k < nL; k++) {
    let loss = 0;
    for (let r = 0; r < holdout.length; r++) {
      let s = path.intercepts[k]!;
      for (let c = 0; c < d; c++) s += path.coefficients[k * d + c]! * xv[r * d + c]!;
      const yv = target[holdout[r]!]!;
      loss += task === 'binary' ? logLoss(s, yv) : (s - yv) ** 2;
    }
    validationLoss[k] = holdout.length > 0 ? loss / holdout.length : 0;
    for (let c = 0; c < d; c++) if (path.coefficients[k * d + c] !== 0) nonzero[k]!++;
  }
  let chosen = nL - 1;
  if (holdout.length > 0) for (let k = 0; k < nL; k++) if (validationLoss[k]! < validationLoss[chosen]! - 1e-12) chosen = k;
  return {
    kind: 'linear',
    task,
    featureNames: features.map((f) => f.name),
    columns,
    fill,
    lambda: path.lambdas[chosen]!,
    coefficients: path.coefficients.slice(chosen * d, (chosen + 1) * d),
    intercept: path.intercepts[chosen]!,
    standardized: path.standardized.slice(chosen * d, (chosen + 1) * d),
    path: { lambdas: path.lambdas, nonzero, validationLoss, chosen },
    converged: path.converged,
    seed,
  };
}

function logLoss(score: number, y: number): number {
  const m = y > 0.5 ? -score : score;
  return m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
}

/** Scores of raw rows: the logit (binary) or the value (regression). */
export function sparseLinearScores(model: SparseLinear, raw: RawMatrix): Float64Array {
  const d = model.columns.length;
  const x = designMatrix(raw, model.columns, model.fill);
  const out = new Float64Array(raw.nRows);
  for (let i = 0; i < raw.nRows; i++) {
    let s = model.intercept;
    for (let c = 0; c < d; c++) s += model.coefficients[c]! * x[i * d + c]!;
    out[i] = s;
  }
  return out;
}
