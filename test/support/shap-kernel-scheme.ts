import type { Rng } from '../../src/rng.js';
import { popcount } from '../../src/math/popcount.js';
import { binomial, type TableGame } from './shapley-games.js';

/**
 * shap's KernelExplainer estimator (shap 0.44 `KernelExplainer.explain` + `solve`, l1_reg=False),
 * transcribed independently of glassbox's implementation to serve as the comparison baseline:
 *
 * - Shapley-kernel mass per subset size s = 1..⌈(M−1)/2⌉, sizes s < M/2 counted twice (s and M−s);
 * - outside in, a size is enumerated completely (with its complements) while the remaining budget times
 *   its share of the remaining mass covers all its subsets;
 * - the rest of the budget is drawn: 4 × (budget left) sizes ~ remaining mass (halved for paired sizes),
 *   each a uniform random subset of that size and, for paired sizes, its complement; a subset seen before
 *   is not evaluated again but its weight (and its complement's) goes up by one; draws stop when the
 *   budget is spent;
 * - the random samples' weights are rescaled to the mass left after the enumerated sizes;
 * - weighted least squares with the last player eliminated so that Σφ = v(N) − v(∅).
 *
 * Evaluates exactly min(nsamples, 2^M − 2) coalitions (besides ∅ and N), like shap.
 */
export function shapKernelScheme(game: TableGame, nsamples: number, rng: Rng): Float64Array {
  const { m, table } = game;
  const full = (1 << m) - 1;
  const budget = Math.min(nsamples, 2 ** m - 2);
  const numSizes = Math.ceil((m - 1) / 2);
  const numPaired = Math.floor((m - 1) / 2);
  const mass = Array.from({ length: numSizes }, (_, k) => ((m - 1) / ((k + 1) * (m - k - 1))) * (k < numPaired ? 2 : 1));
  const massSum = mass.reduce((a, b) => a + b, 0);
  for (let k = 0; k < numSizes; k++) mass[k]! /= massSum;
  const masks: number[] = [];
  const weights: number[] = [];
  let numFull = 0;
  let left = budget;
  const remaining = [...mass];
  for (let size = 1; size <= numSizes; size++) {
    const paired = size <= numPaired;
    const count = binomial(m, size) * (paired ? 2 : 1);
    if ((left * remaining[size - 1]!) / count < 1 - 1e-8) break;
    numFull++;
    left -= count;
    if (remaining[size - 1]! < 1) {
      const scale = 1 - remaining[size - 1]!;
      for (let k = 0; k < numSizes; k++) remaining[k]! /= scale;
    }
    const w = mass[size - 1]! / binomial(m, size) / (paired ? 2 : 1);
    for (let s = 1; s < full; s++) {
      if (popcount(s) !== size) continue;
      masks.push(s);
      weights.push(w);
      if (paired) {
        masks.push(full ^ s);
        weights.push(w);
      }
    }
  }
  const nFixed = masks.length;
  if (numFull < numSizes) drawRandom(m, budget - nFixed, numFull, numPaired, mass, masks, weights, rng);
  if (masks.length > nFixed) {
    const weightLeft = mass.slice(numFull).reduce((a, b) => a + b, 0);
    const drawn = weights.slice(nFixed).reduce((a, b) => a + b, 0);
    for (let i = nFixed; i < weights.length; i++) weights[i]! *= weightLeft / drawn;
  }
  return constrainedRegression(m, masks, weights, (s) => table[s]! - table[0]!, table[full]! - table[0]!);
}

function drawRandom(m: number, budget: number, numFull: number, numPaired: number, mass: number[], masks: number[], weights: number[], rng: Rng): void {
  const full = (1 << m) - 1;
  const p = mass.map((v, k) => (k < numPaired ? v / 2 : v)).slice(numFull);
  const pSum = p.reduce((a, b) => a + b, 0);
  const used = new Map<number, number>();
  let left = budget;
  for (let draw = 0; draw < 4 * budget && left > 0; draw++) {
    let r = rng.next() * pSum;
    let k = 0;
    while (k < p.length - 1 && r >= p[k]!) r -= p[k++]!;
    const size = k + numFull + 1;
    const perm = rng.permutation(m);
    let s = 0;
    for (let i = 0; i < size; i++) s |= 1 << perm[i]!;
    const previous = used.get(s);
    if (previous === undefined) {
      used.set(s, masks.length);
      masks.push(s);
      weights.push(1);
      left--;
    } else weights[previous]! += 1;
    if (left > 0 && size <= numPaired) {
      if (previous === undefined) {
        masks.push(full ^ s);
        weights.push(1);
        left--;
      } else weights[previous + 1]! += 1;
    }
  }
}

/** min Σ w (y(S) − Σ_{i∈S} φᵢ)² subject to Σφ = total, by eliminating the last player (shap's `solve`). */
function constrainedRegression(m: number, masks: readonly number[], weights: readonly number[], y: (s: number) => number, total: number): Float64Array {
  const p = m - 1;
  const a = Array.from({ length: p }, () => new Array<number>(p + 1).fill(0));
  masks.forEach((s, n) => {
    const last = (s >> (m - 1)) & 1;
    const target = y(s) - last * total;
    const row = Array.from({ length: p }, (_, i) => ((s >> i) & 1) - last);
    for (let i = 0; i < p; i++) {
      if (row[i] === 0) continue;
      a[i]![p]! += weights[n]! * row[i]! * target;
      for (let j = 0; j < p; j++) a[i]![j]! += weights[n]! * row[i]! * row[j]!;
    }
  });
  const beta = gaussianElimination(a, p);
  const phi = new Float64Array(m);
  let sum = 0;
  for (let i = 0; i < p; i++) {
    phi[i] = beta[i]!;
    sum += beta[i]!;
  }
  phi[m - 1] = total - sum;
  return phi;
}

function gaussianElimination(a: number[][], n: number): number[] {
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[pivot]![c]!)) pivot = r;
    [a[c], a[pivot]] = [a[pivot]!, a[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = a[r]![c]! / a[c]![c]!;
      for (let k = c; k <= n; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = a[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= a[r]![k]! * x[k]!;
    x[r] = s / a[r]![r]!;
  }
  return x;
}
