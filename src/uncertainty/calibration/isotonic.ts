/**
 * An isotonic (non-decreasing) map from score to probability: points (x, y) joined linearly and clipped
 * outside [x₀, x_last] (scikit-learn's IsotonicRegression with out_of_bounds='clip').
 */
export interface IsotonicFit {
  readonly x: Float64Array;
  readonly y: Float64Array;
}

/**
 * Isotonic regression by the pool-adjacent-violators algorithm (Ayer et al. 1955; Zadrozny & Elkan 2002
 * for calibration): the non-decreasing step function of the score closest in squared error to the 0/1
 * labels. Tied scores are pooled first. Each block contributes its lowest and highest score as points,
 * as scikit-learn keeps them, so applying it interpolates between blocks.
 */
export function fitIsotonic(scores: ArrayLike<number>, positive: ArrayLike<number>): IsotonicFit {
  const n = scores.length;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((i, j) => scores[i]! - scores[j]! || i - j);
  // blocks: value (weighted mean), weight, and the score range they cover
  const value: number[] = [];
  const weight: number[] = [];
  const low: number[] = [];
  const high: number[] = [];
  for (let j = 0; j < n; ) {
    const s = scores[order[j]!]!;
    let sum = 0;
    let w = 0;
    for (; j < n && scores[order[j]!]! === s; j++, w++) sum += positive[order[j]!]!;
    value.push(sum / w);
    weight.push(w);
    low.push(s);
    high.push(s);
    while (value.length > 1 && value[value.length - 2]! >= value[value.length - 1]!) {
      const v = value.pop()!, wt = weight.pop()!, h = high.pop()!;
      low.pop();
      const last = value.length - 1;
      value[last] = (value[last]! * weight[last]! + v * wt) / (weight[last]! + wt);
      weight[last]! += wt;
      high[last] = h;
    }
  }
  const x: number[] = [];
  const y: number[] = [];
  for (let b = 0; b < value.length; b++) {
    x.push(low[b]!);
    y.push(value[b]!);
    if (high[b]! > low[b]!) {
      x.push(high[b]!);
      y.push(value[b]!);
    }
  }
  return { x: Float64Array.from(x), y: Float64Array.from(y) };
}

/** Evaluates the isotonic map: linear between points, clipped outside. */
export function applyIsotonic(scores: ArrayLike<number>, fit: IsotonicFit): Float64Array {
  const { x, y } = fit;
  const last = x.length - 1;
  return Float64Array.from(scores as ArrayLike<number>, (s) => {
    if (s <= x[0]!) return y[0]!;
    if (s >= x[last]!) return y[last]!;
    let lo = 0;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (x[mid]! <= s) lo = mid;
      else hi = mid;
    }
    const t = (s - x[lo]!) / (x[hi]! - x[lo]!);
    return y[lo]! + t * (y[hi]! - y[lo]!);
  });
}
