import { choleskyFactor, choleskySolve } from '../../math/cholesky.js';
import type { PairPlan } from './pair-sampler.js';

/**
 * Pairwise interaction sizes from the even half of each complement pair, w(S) = v(S) + v(N∖S).
 *
 * In ±1 coordinates (sᵢ = +1 present, −1 absent) a game is Σ_T a_T χ_T(s), and w = 2Σ_{|T| even} a_T χ_T:
 * the constant, the pairwise terms, the four-way terms… — none of which enter Shapley values, and which the
 * paired KernelSHAP regression (on the odd half u = v(S) − v(N∖S)) never looks at. They cost no extra model
 * evaluation. This is the ridge regression of w on [1, χ_ij] (equal weight per pair, the full coalition
 * included; higher even terms act as noise), whose factorisation depends on the coalitions only and is
 * shared by the rows of a plan. Returns the m × m symmetric matrix of |â_ij| (zero diagonal).
 */
export function evenPairwise(plan: PairPlan, nPairs: number, w: Float64Array, total: number): Float64Array | undefined {
  const m = plan.m;
  const prep = prepared(plan, nPairs);
  if (!prep) return undefined;
  const { x, p, factor } = prep;
  const n = nPairs + 1;
  const rhs = new Float64Array(p);
  for (let r = 0; r < n; r++) {
    const y = r < nPairs ? w[r]! : total;
    for (let a = 0; a < p; a++) rhs[a]! += x[r * p + a]! * y;
  }
  const coef = choleskySolve(factor, rhs, p);
  const out = new Float64Array(m * m);
  let t = 1;
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      out[i * m + j] = out[j * m + i] = Math.abs(coef[t++]!);
    }
  }
  return out;
}

/** Ridge on the pairwise coefficients, relative to their Gram diagonal (the number of rows). */
export const EVEN_RIDGE = 0.3;

interface Prepared {
  readonly x: Float64Array;
  readonly p: number;
  readonly factor: Float64Array;
}

const cache = new WeakMap<PairPlan, Map<number, Prepared | undefined>>();

function prepared(plan: PairPlan, nPairs: number): Prepared | undefined {
  let byN = cache.get(plan);
  if (!byN) cache.set(plan, (byN = new Map()));
  if (!byN.has(nPairs)) {
    if (byN.size >= 4) byN.delete(byN.keys().next().value!);
    byN.set(nPairs, prepare(plan, nPairs));
  }
  return byN.get(nPairs);
}

function prepare(plan: PairPlan, nPairs: number): Prepared | undefined {
  const m = plan.m;
  const p = 1 + (m * (m - 1)) / 2;
  const n = nPairs + 1;
  const x = new Float64Array(n * p);
  const s = new Float64Array(m);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < m; i++) s[i] = r === nPairs || plan.sides[r * m + i] === 1 ? 1 : -1;
    const row = r * p;
    x[row] = 1;
    let t = 1;
    for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) x[row + t++] = s[i]! * s[j]!;
  }
  const gram = new Float64Array(p * p);
  for (let r = 0; r < n; r++) {
    const row = r * p;
    for (let a = 0; a < p; a++) {
      const xa = x[row + a]!;
      for (let b = 0; b <= a; b++) gram[a * p + b]! += xa * x[row + b]!;
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) gram[b * p + a] = gram[a * p + b]!;
  gram[0]! += 1e-8 * n;
  for (let a = 1; a < p; a++) gram[a * p + a]! += EVEN_RIDGE * n;
  const factor = choleskyFactor(gram, p);
  return factor ? { x, p, factor } : undefined;
}
