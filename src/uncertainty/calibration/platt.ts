import { GlassboxError } from '../../errors.js';

export interface PlattFit {
  /** P(positive) = σ(slope · score + intercept), with score = logit of the model's P(positive). */
  readonly slope: number;
  readonly intercept: number;
  readonly iterations: number;
}

export interface PlattOptions {
  /**
   * Platt's smoothed targets (N₊ + 1)/(N₊ + 2) and 1/(N₋ + 2) instead of 0/1 (default true, as in Platt 1999
   * and scikit-learn's CalibratedClassifierCV), which keeps the fit finite on separable data.
   */
  readonly smoothTargets?: boolean;
}

/**
 * Platt scaling (Platt 1999, "Probabilistic outputs for support vector machines"): a logistic regression
 * of the binary label on one score per row, fitted by Newton's method with step halving (Lin, Lin & Weng
 * 2007's robust variant, without its parametrisation).
 */
export function fitPlatt(scores: Float64Array, positive: Uint8Array, options: PlattOptions = {}): PlattFit {
  const n = scores.length;
  let nPos = 0;
  for (let i = 0; i < n; i++) nPos += positive[i]!;
  if (nPos === 0 || nPos === n) throw new GlassboxError('invalid_input', `Platt scaling needs both classes among the calibration rows; all ${n} are ${nPos === 0 ? 'negative' : 'positive'}.`, { argument: 'labels', hint: 'Use a larger calibration split.' });
  const smooth = options.smoothTargets ?? true;
  const hi = smooth ? (nPos + 1) / (nPos + 2) : 1;
  const lo = smooth ? 1 / (n - nPos + 2) : 0;
  const target = Float64Array.from(positive, (p) => (p ? hi : lo));
  let a = 1;
  let b = 0;
  const loss = (sa: number, sb: number): number => {
    let l = 0;
    for (let i = 0; i < n; i++) {
      const f = sa * scores[i]! + sb;
      // −[t log σ(f) + (1 − t) log(1 − σ(f))] = log(1 + e^f) − t f, computed stably
      l += (f > 0 ? f + Math.log1p(Math.exp(-f)) : Math.log1p(Math.exp(f))) - target[i]! * f;
    }
    return l / n;
  };
  let current = loss(a, b);
  let iterations = 0;
  for (; iterations < 100; iterations++) {
    let ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
    for (let i = 0; i < n; i++) {
      const s = scores[i]!;
      const p = 1 / (1 + Math.exp(-(a * s + b)));
      const r = p - target[i]!;
      const w = p * (1 - p);
      ga += r * s; gb += r;
      haa += w * s * s; hab += w * s; hbb += w;
    }
    ga /= n; gb /= n;
    haa = haa / n + 1e-12; hab /= n; hbb = hbb / n + 1e-12;
    if (Math.max(Math.abs(ga), Math.abs(gb)) < 1e-12) break;
    const det = haa * hbb - hab * hab;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    let step = 1;
    let accepted = false;
    for (let tries = 0; tries < 40; tries++, step /= 2) {
      const next = loss(a - step * da, b - step * db);
      if (next <= current + 1e-4 * step * -(ga * da + gb * db)) {
        a -= step * da;
        b -= step * db;
        current = next;
        accepted = true;
        break;
      }
    }
    if (!accepted) break;
  }
  return { slope: a, intercept: b, iterations };
}

/** σ(slope · score + intercept) per score. */
export function applyPlatt(scores: ArrayLike<number>, fit: Pick<PlattFit, 'slope' | 'intercept'>): Float64Array {
  return Float64Array.from(scores as ArrayLike<number>, (s) => 1 / (1 + Math.exp(-(fit.slope * s + fit.intercept))));
}
