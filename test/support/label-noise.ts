import { Rng } from '../../src/rng.js';

/** A synthetic labelled data set with a known set of flipped labels (for tests and benchmarks). */
export interface NoisyData {
  readonly name: string;
  readonly x: Float64Array;
  readonly n: number;
  readonly d: number;
  readonly k: number;
  readonly clean: Int32Array;
  readonly noisy: Int32Array;
  /** 0/1: the label was flipped. */
  readonly flipped: Uint8Array;
}

/** Flips exactly round(rate·n) labels, chosen at random, each to a different class chosen uniformly. */
export function flipLabels(clean: Int32Array, k: number, rate: number, rng: Rng): { noisy: Int32Array; flipped: Uint8Array } {
  const n = clean.length;
  const noisy = Int32Array.from(clean);
  const flipped = new Uint8Array(n);
  const order = rng.permutation(n);
  for (let t = 0; t < Math.round(rate * n); t++) {
    const i = order[t]!;
    noisy[i] = (clean[i]! + 1 + rng.int(k - 1)) % k;
    flipped[i] = 1;
  }
  return { noisy, flipped };
}

/**
 * Gaussian blobs with unit variance: class centres drawn uniformly in [−minDistance, minDistance]^d until every
 * pair is at least `minDistance` apart (so the classes are well separated by construction); class shares `weights`.
 */
export function gaussianBlobs(options: { n: number; d: number; k: number; minDistance: number; weights?: readonly number[]; rate?: number; seed: number }): NoisyData {
  const rng = new Rng(options.seed);
  const { n, d, k, minDistance } = options;
  const centres = new Float64Array(k * d);
  for (let attempt = 0; ; attempt++) {
    if (attempt === 1000) throw new Error(`gaussianBlobs: cannot place ${k} centres ${minDistance} apart in ${d}-D`);
    for (let i = 0; i < k * d; i++) centres[i] = (2 * rng.next() - 1) * minDistance;
    let closest = Infinity;
    for (let a = 0; a < k; a++) {
      for (let b = a + 1; b < k; b++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += (centres[a * d + j]! - centres[b * d + j]!) ** 2;
        closest = Math.min(closest, Math.sqrt(s));
      }
    }
    if (closest >= minDistance) break;
  }
  const weights = options.weights ?? Array.from({ length: k }, () => 1 / k);
  const clean = new Int32Array(n);
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let u = rng.next();
    let c = 0;
    while (c < k - 1 && u >= weights[c]!) u -= weights[c++]!;
    clean[i] = c;
    for (let j = 0; j < d; j++) x[i * d + j] = centres[c * d + j]! + rng.normal();
  }
  return { name: `blobs k=${k} d=${d}${options.weights ? ' imbalanced' : ''}`, x, n, d, k, clean, ...flipLabels(clean, k, options.rate ?? 0.05, rng) };
}

/** Two concentric rings (radius 1 and 3, radial noise σ = 0.25) in 2-D plus `extra` noise dimensions: no hyperplane separates them. */
export function rings(options: { n: number; extra?: number; rate?: number; seed: number }): NoisyData {
  const rng = new Rng(options.seed);
  const d = 2 + (options.extra ?? 0);
  const { n } = options;
  const clean = new Int32Array(n);
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = rng.int(2);
    const r = (c === 0 ? 1 : 3) + 0.25 * rng.normal();
    const angle = 2 * Math.PI * rng.next();
    clean[i] = c;
    x[i * d] = r * Math.cos(angle);
    x[i * d + 1] = r * Math.sin(angle);
    for (let j = 2; j < d; j++) x[i * d + j] = rng.normal();
  }
  return { name: `rings d=${d}`, x, n, d, k: 2, clean, ...flipLabels(clean, 2, options.rate ?? 0.05, rng) };
}

/** Precision and recall of a 0/1 mask against the flipped rows. */
export function precisionRecall(mask: Uint8Array, flipped: Uint8Array): { precision: number; recall: number; flagged: number } {
  let tp = 0;
  let flagged = 0;
  let positives = 0;
  for (let i = 0; i < mask.length; i++) {
    flagged += mask[i]!;
    positives += flipped[i]!;
    tp += mask[i]! & flipped[i]!;
  }
  return { precision: flagged ? tp / flagged : Number.NaN, recall: positives ? tp / positives : Number.NaN, flagged };
}
