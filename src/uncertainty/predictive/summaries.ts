import { GlassboxError } from '../../errors.js';

/** Stochastic class probabilities: `samples` draws for `rows` rows and `classes` classes, laid out [S, n, K]. */
export interface ProbabilitySamples {
  readonly data: Float32Array | Float64Array;
  readonly samples: number;
  readonly rows: number;
  readonly classes: number;
}

/**
 * Per-row summaries of a predictive distribution approximated by S samples p⁽ˢ⁾ (ensemble members,
 * MC-dropout passes or posterior draws), all in nats:
 * - `mean` = p̄ = (1/S) Σₛ p⁽ˢ⁾, row-major n × K;
 * - `entropy` = H[p̄] (total uncertainty);
 * - `expectedEntropy` = (1/S) Σₛ H[p⁽ˢ⁾] (aleatoric);
 * - `mutualInformation` = H[p̄] − (1/S) Σₛ H[p⁽ˢ⁾] (epistemic, the BALD score; Houlsby et al. 2011,
 *   Depeweg et al. 2018), ≥ 0 by the concavity of entropy;
 * - `variance`: the sample variance (divisor S) of the positive class's probability for binary
 *   tasks, of the predicted class (argmax of p̄) otherwise, as `varianceOf` says.
 */
export interface PredictiveSummaries {
  readonly rows: number;
  readonly classes: number;
  readonly samples: number;
  readonly mean: Float64Array;
  readonly entropy: Float64Array;
  readonly expectedEntropy: Float64Array;
  readonly mutualInformation: Float64Array;
  readonly variance: Float64Array;
  readonly varianceOf: 'positive-class' | 'predicted-class';
  /** argmax of p̄ per row (the first on ties). */
  readonly predicted: Int32Array;
}

/** −Σ p log p over `k` values starting at `offset`, with 0 log 0 = 0. */
export function entropyAt(p: ArrayLike<number>, offset: number, k: number): number {
  let h = 0;
  for (let c = 0; c < k; c++) {
    const v = p[offset + c]!;
    if (v > 0) h -= v * Math.log(v);
  }
  return h;
}

/** Checks the layout of stochastic samples before any work. */
export function checkSamples(s: ProbabilitySamples, what = 'samples'): void {
  const { samples, rows, classes, data } = s;
  if (!Number.isInteger(samples) || samples < 1 || !Number.isInteger(rows) || rows < 0 || !Number.isInteger(classes) || classes < 1) {
    throw new GlassboxError('invalid_argument', `${what}: samples (${samples}), rows (${rows}) and classes (${classes}) must be positive integers`, { argument: what });
  }
  if (data.length !== samples * rows * classes) {
    throw new GlassboxError('shape_mismatch', `${what}: ${data.length} values do not make [${samples}, ${rows}, ${classes}]`, { argument: what, hint: 'Lay samples out as [S, n, K] (sample-major).' });
  }
}

/**
 * Mean probabilities, predictive entropy, expected entropy, mutual information and variance of the
 * positive (binary) or predicted class from samples [S, n, K]. See `PredictiveSummaries`.
 * `binary` says that the last class is the positive one (glassbox's binary convention).
 */
export function predictiveSummaries(s: ProbabilitySamples, options: { binary?: boolean } = {}): PredictiveSummaries {
  checkSamples(s);
  const { data, samples: S, rows: n, classes: K } = s;
  const mean = new Float64Array(n * K);
  const expectedEntropy = new Float64Array(n);
  for (let t = 0; t < S; t++) {
    const base = t * n * K;
    for (let i = 0; i < n; i++) {
      const off = base + i * K;
      expectedEntropy[i] = expectedEntropy[i]! + entropyAt(data, off, K);
      for (let c = 0; c < K; c++) mean[i * K + c] = mean[i * K + c]! + data[off + c]!;
    }
  }
  const entropy = new Float64Array(n);
  const mutualInformation = new Float64Array(n);
  const predicted = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 0; c < K; c++) {
      mean[i * K + c] = mean[i * K + c]! / S;
      if (mean[i * K + c]! > mean[i * K + best]!) best = c;
    }
    predicted[i] = best;
    expectedEntropy[i] = expectedEntropy[i]! / S;
    entropy[i] = entropyAt(mean, i * K, K);
    // rounding can take a difference of equal entropies a hair below zero
    mutualInformation[i] = Math.max(0, entropy[i]! - expectedEntropy[i]!);
  }
  const binary = options.binary ?? K === 2;
  const variance = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = binary ? K - 1 : predicted[i]!;
    const m = mean[i * K + c]!;
    let v = 0;
    for (let t = 0; t < S; t++) {
      const d = data[t * n * K + i * K + c]! - m;
      v += d * d;
    }
    variance[i] = v / S;
  }
  return { rows: n, classes: K, samples: S, mean, entropy, expectedEntropy, mutualInformation, variance, varianceOf: binary ? 'positive-class' : 'predicted-class', predicted };
}
