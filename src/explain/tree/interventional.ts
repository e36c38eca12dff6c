import { goesLeft } from '../../model/trees/decide.js';
import type { TreeEnsemble } from '../../model/trees/ir.js';
import { sigmoid } from '../../model/trees/score.js';

/**
 * Interventional (a.k.a. "independent") TreeSHAP with a background set, as in shap's
 * `feature_perturbation="interventional"` (Lundberg et al. 2020, Methods: "Interventional TreeSHAP").
 *
 * For a row x and one background row r, the game v(S) = f(x_S, r_S̄) on a tree is a sum over leaves of
 * "AND" games: a leaf is reached iff every feature in A (where x's branch differs from r's and x's branch
 * is taken) is in S and every feature in B (r's branch taken) is not. Such a game has Shapley values
 * v·(|A|−1)!|B|!/(|A|+|B|)! for j ∈ A and −v·|A|!(|B|−1)!/(|A|+|B|)! for j ∈ B. One depth-first walk per
 * (x, r, tree) visits only the leaves reachable by some hybrid of x and r. φ is the mean over r.
 *
 * `output: 'probability'` (logistic link only) follows shap: per background row the margin attributions
 * are rescaled by (σ(f(x)) − σ(f(r))) / (f(x) − f(r)), so they sum to σ(f(x)) − σ(f(r)).
 */
export class InterventionalTreeShap {
  private readonly state: Int8Array;
  private readonly setA: Int32Array;
  private readonly setB: Int32Array;
  private readonly weightA: Float64Array;
  private readonly weightB: Float64Array;
  private readonly maxPath: number;
  private readonly pairPhi: Float64Array;
  private readonly bgMargin: Float64Array;
  private x: Float64Array = new Float64Array(0);
  private xo = 0;
  private r: Float64Array = new Float64Array(0);
  private ro = 0;
  private phi: Float64Array = new Float64Array(0);

  constructor(
    private readonly e: TreeEnsemble,
    private readonly background: Float64Array,
    private readonly nBackground: number,
  ) {
    const m = e.nFeatures;
    this.state = new Int8Array(m);
    this.setA = new Int32Array(m + 1);
    this.setB = new Int32Array(m + 1);
    this.maxPath = m + 1;
    // weight tables indexed [a * (m + 2) + b]
    const size = (m + 2) * (m + 2);
    this.weightA = new Float64Array(size);
    this.weightB = new Float64Array(size);
    for (let a = 0; a <= m + 1; a++) {
      for (let b = 0; a + b <= m + 1 && b <= m + 1; b++) {
        if (a > 0) this.weightA[a * (m + 2) + b] = 1 / (a * binom(a + b, a));
        if (b > 0) this.weightB[a * (m + 2) + b] = 1 / (b * binom(a + b, b));
      }
    }
    this.pairPhi = new Float64Array(m);
    this.bgMargin = new Float64Array(nBackground * e.nGroups);
    for (let i = 0; i < nBackground; i++) this.marginInto(background, i * m, this.bgMargin, i * e.nGroups);
  }

  /** Mean background output for group g: the base value (margin, or σ of it for 'probability' with a logistic link). */
  baseValue(group: number, output: 'margin' | 'probability'): number {
    let s = 0;
    for (let i = 0; i < this.nBackground; i++) {
      const mg = this.bgMargin[i * this.e.nGroups + group]!;
      s += output === 'probability' && this.e.link === 'logistic' ? sigmoid(mg) : mg;
    }
    return s / this.nBackground;
  }

  /** φ for the row at x[xo…] into phi[po … po + M) (mean over the background), for output group g. */
  rowContribs(x: Float64Array, xo: number, group: number, output: 'margin' | 'probability', phi: Float64Array, po: number): void {
    const e = this.e;
    const m = e.nFeatures;
    const xMargin = this.marginOf(x, xo, group);
    phi.fill(0, po, po + m);
    for (let k = 0; k < this.nBackground; k++) {
      this.pairPhi.fill(0);
      this.x = x;
      this.xo = xo;
      this.r = this.background;
      this.ro = k * m;
      this.phi = this.pairPhi;
      for (let t = 0; t < e.nTrees; t++) if (e.treeGroup[t] === group) this.visit(e.treeStart[t]!, 0, 0);
      let scale = 1;
      if (output === 'probability' && e.link === 'logistic') {
        const rMargin = this.bgMargin[k * e.nGroups + group]!;
        const dm = xMargin - rMargin;
        const s = sigmoid(xMargin);
        scale = Math.abs(dm) > 1e-12 ? (s - sigmoid(rMargin)) / dm : s * (1 - s);
      }
      for (let j = 0; j < m; j++) phi[po + j]! += this.pairPhi[j]! * scale;
    }
    for (let j = 0; j < m; j++) phi[po + j]! /= this.nBackground;
  }

  private visit(node: number, a: number, b: number): void {
    const e = this.e;
    const f = e.feature[node]!;
    if (f < 0) {
      if (a + b === 0) return;
      const v = e.value[node]!;
      const stride = this.maxPath + 1;
      const wa = v * this.weightA[a * stride + b]!;
      const wb = v * this.weightB[a * stride + b]!;
      for (let i = 0; i < a; i++) this.phi[this.setA[i]!]! += wa;
      for (let i = 0; i < b; i++) this.phi[this.setB[i]!]! -= wb;
      return;
    }
    const xl = goesLeft(e, node, this.x[this.xo + f]!);
    const rl = goesLeft(e, node, this.r[this.ro + f]!);
    const xChild = xl ? e.left[node]! : e.right[node]!;
    if (xl === rl) {
      this.visit(xChild, a, b);
      return;
    }
    const rChild = rl ? e.left[node]! : e.right[node]!;
    const s = this.state[f]!;
    if (s === 1) this.visit(xChild, a, b);
    else if (s === 2) this.visit(rChild, a, b);
    else {
      this.state[f] = 1;
      this.setA[a] = f;
      this.visit(xChild, a + 1, b);
      this.state[f] = 2;
      this.setB[b] = f;
      this.visit(rChild, a, b + 1);
      this.state[f] = 0;
    }
  }

  private marginOf(x: Float64Array, xo: number, group: number): number {
    const e = this.e;
    let s = e.baseMargin[group]!;
    for (let t = 0; t < e.nTrees; t++) {
      if (e.treeGroup[t] !== group) continue;
      let n = e.treeStart[t]!;
      while (e.feature[n]! >= 0) n = goesLeft(e, n, x[xo + e.feature[n]!]!) ? e.left[n]! : e.right[n]!;
      s += e.value[n]!;
    }
    return s;
  }

  private marginInto(x: Float64Array, xo: number, out: Float64Array, oo: number): void {
    for (let g = 0; g < this.e.nGroups; g++) out[oo + g] = this.marginOf(x, xo, g);
  }
}

function binom(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}
