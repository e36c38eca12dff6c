import { choleskyFactor, choleskySolve, forwardSolve } from '../../math/cholesky.js';
import type { CubicDesign } from './cubic-design.js';
import type { PairPlan } from './pair-sampler.js';

export interface DesignFit {
  readonly phi: Float64Array;
  readonly stderr: Float64Array;
  /** Linear coefficients (one per player), then one per three-way term. */
  readonly coef: Float64Array;
}

/**
 * Everything of a weighted ridge least squares on [s, χ_T(s)] that depends on the coalitions only — the
 * Cholesky factor of the normal matrix, A⁻¹·1 for the constraint, leverages — so that rows sharing a plan
 * (every row of one explain call with the same number of varying players) factorise once.
 */
export interface PreparedDesign {
  readonly plan: PairPlan;
  readonly nPairs: number;
  readonly weights: Float64Array;
  readonly design: CubicDesign | undefined;
  readonly p: number;
  readonly factor: Float64Array;
  /** A⁻¹·1 and its sum. */
  readonly y: Float64Array;
  readonly sy: number;
  /** Hat-matrix diagonal entries of the pairs listed in `leverageOf`, in that order. */
  readonly leverage: Float64Array | undefined;
}

export function prepareDesign(args: {
  readonly plan: PairPlan;
  readonly nPairs: number;
  readonly weights: Float64Array;
  readonly design?: CubicDesign | undefined;
  /** Ridge on the three-way coefficients, relative to the total weight (their Gram diagonal). */
  readonly ridge?: number;
  /** Pairs whose leverage (hat diagonal) to report. */
  readonly leverageOf?: Int32Array;
}): PreparedDesign | undefined {
  const { plan, nPairs, design, weights } = args;
  const m = plan.m;
  const p = m + (design?.nTriples ?? 0);
  const gram = normalMatrix(plan, nPairs, weights, design);
  let wSum = 0;
  for (let i = 0; i < nPairs; i++) wSum += weights[i]!;
  for (let t = m; t < p; t++) gram[t * p + t]! += (args.ridge ?? 0) * wSum;
  let factor = choleskyFactor(gram, p);
  if (!factor) {
    // fewer distinct coalitions than unknowns: the minimum-norm-like solution of a slightly ridged system
    let trace = 0;
    for (let a = 0; a < p; a++) trace += gram[a * p + a]!;
    for (let a = 0; a < p; a++) gram[a * p + a]! += 1e-10 * Math.max(trace, 1e-300);
    factor = choleskyFactor(gram, p);
  }
  if (!factor) return undefined;
  const y = choleskySolve(factor, new Float64Array(p).fill(1), p);
  let sy = 0;
  for (let a = 0; a < p; a++) sy += y[a]!;
  const leverage = args.leverageOf ? leverages(plan, args.leverageOf, weights, design, factor, y, sy) : undefined;
  return { plan, nPairs, weights, design, p, factor, y, sy, leverage };
}

/**
 * The weighted ridge least squares of u on [s, χ_T(s)] with Σ coefficients = total (the full coalition):
 * Cholesky solve plus the Lagrange correction; φ through the closed-form Shapley map.
 */
export function solvePrepared(prep: PreparedDesign, u: Float64Array, total: number, withStderr: boolean): DesignFit {
  const { plan, nPairs, design, weights, p, factor, y, sy } = prep;
  const m = plan.m;
  const x = choleskySolve(factor, rightHandSide(plan, nPairs, u, weights, design), p);
  let sx = 0;
  for (let a = 0; a < p; a++) sx += x[a]!;
  const coef = new Float64Array(p);
  for (let a = 0; a < p; a++) coef[a] = x[a]! + (y[a]! * (total - sx)) / sy;
  const phi = shapleyOf(coef, m, design);
  const stderr = withStderr ? standardErrors(plan, nPairs, u, weights, design, coef, factor, y, sy) : new Float64Array(m);
  return { phi, stderr, coef };
}

/** φᵢ = aᵢ + ⅓ Σ_{T∋i} a_T. */
export function shapleyOf(coef: Float64Array, m: number, design: CubicDesign | undefined): Float64Array {
  const phi = Float64Array.from(coef.subarray(0, m));
  if (design) for (let t = 0; t < design.nTriples; t++) for (let r = 0; r < 3; r++) phi[design.triples[3 * t + r]!]! += coef[m + t]! / 3;
  return phi;
}

export function sign(plan: PairPlan, p: number, i: number): number {
  return plan.sides[p * plan.m + i] === 1 ? 1 : -1;
}

function normalMatrix(plan: PairPlan, nPairs: number, w: Float64Array, design: CubicDesign | undefined): Float64Array {
  const m = plan.m;
  const c = design?.nTriples ?? 0;
  const p = m + c;
  const gram = new Float64Array(p * p);
  const s = new Float64Array(m);
  for (let q = 0; q < nPairs; q++) {
    const wq = w[q]!;
    for (let i = 0; i < m; i++) s[i] = sign(plan, q, i);
    for (let i = 0; i < m; i++) {
      const ws = wq * s[i]!;
      for (let j = i; j < m; j++) gram[i * p + j]! += ws * s[j]!;
    }
    if (!design) continue;
    const chi = design.chi.subarray(q * c, (q + 1) * c);
    for (let i = 0; i < m; i++) {
      if (design.local[i]! >= 0) continue;
      const ws = wq * s[i]!;
      for (let t = 0; t < c; t++) gram[i * p + m + t]! += ws * chi[t]!;
    }
  }
  if (design) design.fillMoments(gram, p, m, w);
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) gram[a * p + b] = gram[b * p + a]!;
  return gram;
}

function rightHandSide(plan: PairPlan, nPairs: number, u: Float64Array, w: Float64Array, design: CubicDesign | undefined): Float64Array {
  const m = plan.m;
  const c = design?.nTriples ?? 0;
  const rhs = new Float64Array(m + c);
  for (let q = 0; q < nPairs; q++) {
    const wu = w[q]! * u[q]!;
    for (let i = 0; i < m; i++) rhs[i]! += plan.sides[q * m + i] === 1 ? wu : -wu;
    if (!design) continue;
    const chi = design.chi.subarray(q * c, (q + 1) * c);
    for (let t = 0; t < c; t++) rhs[m + t]! += chi[t]! * wu;
  }
  return rhs;
}

/**
 * Linearisation φ̂ ≈ φ + Σ_q G f_q w_q e_q with G = C·P·A⁻¹ (C the Shapley map, P the projection onto the
 * constraint); the per-pair terms z_q are combined with the stratified without-replacement variance.
 */
function standardErrors(plan: PairPlan, nPairs: number, u: Float64Array, w: Float64Array, design: CubicDesign | undefined, coef: Float64Array, factor: Float64Array, y: Float64Array, sy: number): Float64Array {
  const m = plan.m;
  const c = design?.nTriples ?? 0;
  const p = m + c;
  // G (m × p): row i = (A⁻¹ Cᵀ)_{·i}ᵀ − (C y)_i yᵀ / sy
  const g = new Float64Array(m * p);
  const cy = shapleyOf(y, m, design);
  const row = new Float64Array(p);
  for (let i = 0; i < m; i++) {
    row.fill(0);
    row[i] = 1;
    if (design) for (let t = 0; t < c; t++) if (design.triples[3 * t] === i || design.triples[3 * t + 1] === i || design.triples[3 * t + 2] === i) row[m + t] = 1 / 3;
    const col = choleskySolve(factor, row, p);
    for (let a = 0; a < p; a++) g[i * p + a] = col[a]! - (cy[i]! * y[a]!) / sy;
  }
  const classes = plan.classMass.length;
  const n = new Float64Array(classes + 1);
  for (let q = plan.nFixed; q < nPairs; q++) n[plan.pairClass[q]!]!++;
  const sum = new Float64Array((classes + 1) * m);
  const sumSq = new Float64Array((classes + 1) * m);
  const f = new Float64Array(p);
  for (let q = plan.nFixed; q < nPairs; q++) {
    for (let i = 0; i < m; i++) f[i] = sign(plan, q, i);
    if (design) f.set(design.chi.subarray(q * c, (q + 1) * c), m);
    let fitted = 0;
    for (let a = 0; a < p; a++) fitted += f[a]! * coef[a]!;
    const scale = w[q]! * (u[q]! - fitted);
    const h = plan.pairClass[q]!;
    for (let i = 0; i < m; i++) {
      let z = 0;
      for (let a = 0; a < p; a++) z += g[i * p + a]! * f[a]!;
      z *= scale;
      sum[h * m + i]! += z;
      sumSq[h * m + i]! += z * z;
    }
  }
  const variance = new Float64Array(m);
  for (let h = 1; h <= classes; h++) {
    const nh = n[h]!;
    if (nh < 2) continue;
    const fpc = 1 - nh / plan.classSize[h - 1]!;
    for (let i = 0; i < m; i++) variance[i]! += (fpc * nh * (sumSq[h * m + i]! - sum[h * m + i]! ** 2 / nh)) / (nh - 1);
  }
  return variance.map((v) => Math.sqrt(Math.max(v, 0)));
}

/** h_qq = w_q·(f_qᵀA⁻¹f_q − (f_q·y)²/(1ᵀy)), the constrained fit's hat diagonal (one forward solve per pair). */
function leverages(plan: PairPlan, pairs: Int32Array, w: Float64Array, design: CubicDesign | undefined, factor: Float64Array, y: Float64Array, sy: number): Float64Array {
  const m = plan.m;
  const c = design?.nTriples ?? 0;
  const p = m + c;
  const f = new Float64Array(p);
  return Float64Array.from(pairs, (q) => {
    for (let i = 0; i < m; i++) f[i] = sign(plan, q, i);
    if (design) f.set(design.chi.subarray(q * c, (q + 1) * c), m);
    let fy = 0;
    for (let a = 0; a < p; a++) fy += f[a]! * y[a]!;
    const z = forwardSolve(factor, f, p);
    let norm = 0;
    for (let a = 0; a < p; a++) norm += z[a]! * z[a]!;
    return w[q]! * (norm - (fy * fy) / sy);
  });
}
