import { goesLeft, treeDepth } from '../../model/trees/decide.js';
import type { TreeEnsemble } from '../../model/trees/ir.js';

/**
 * Exact path-dependent TreeSHAP, Algorithm 2 of Lundberg et al. 2020 ("From local explanations to
 * global understanding with explainable AI for trees", Nature MI), in the form XGBoost implements it
 * (RegTree::TreeShap), including the `condition` / `conditionFeature` extension used for SHAP
 * interaction values. Computed in float64. Polynomial time O(L·D²) per tree and row.
 *
 * All scratch space is allocated once per instance; `treeContribs` allocates nothing.
 */
export class PathDependentTreeShap {
  private readonly featureIndex: Int32Array;
  private readonly zeroFraction: Float64Array;
  private readonly oneFraction: Float64Array;
  private readonly pweight: Float64Array;
  private x: Float64Array = new Float64Array(0);
  private phi: Float64Array = new Float64Array(0);
  private xo = 0;
  private po = 0;
  private condition = 0;
  private conditionFeature = -1;

  constructor(private readonly e: TreeEnsemble) {
    let maxDepth = 0;
    for (let t = 0; t < e.nTrees; t++) maxDepth = Math.max(maxDepth, treeDepth(e, t));
    const maxd = maxDepth + 2;
    const size = ((maxd + 1) * (maxd + 2)) / 2 + 2 * maxd;
    this.featureIndex = new Int32Array(size);
    this.zeroFraction = new Float64Array(size);
    this.oneFraction = new Float64Array(size);
    this.pweight = new Float64Array(size);
  }

  /**
   * Adds tree t's SHAP values for the row at x[xOffset…] (already at the ensemble's precision) into
   * phi[phiOffset…]. condition: 0 = plain, +1 = feature `conditionFeature` always present,
   * −1 = always absent (XGBoost's pred_interactions building block).
   */
  treeContribs(t: number, x: Float64Array, phi: Float64Array, condition = 0, conditionFeature = -1, xOffset = 0, phiOffset = 0): void {
    this.x = x;
    this.phi = phi;
    this.xo = xOffset;
    this.po = phiOffset;
    this.condition = condition;
    this.conditionFeature = conditionFeature;
    this.recurse(this.e.treeStart[t]!, 0, 0, 1, 1, -1, 1);
  }

  private recurse(node: number, uniqueDepth: number, parentOffset: number, parentZero: number, parentOne: number, parentFeature: number, conditionFraction: number): void {
    if (conditionFraction === 0) return;
    const e = this.e;
    // copy the parent's path into a fresh slot right after it
    const path = parentOffset + uniqueDepth + 1;
    this.copyPath(parentOffset, path, uniqueDepth);
    if (this.condition === 0 || this.conditionFeature !== parentFeature) this.extend(path, uniqueDepth, parentZero, parentOne, parentFeature);
    const split = e.feature[node]!;
    if (split < 0) {
      const v = e.value[node]! * conditionFraction;
      for (let i = 1; i <= uniqueDepth; i++) {
        const w = this.unwoundSum(path, uniqueDepth, i);
        this.phi[this.po + this.featureIndex[path + i]!]! += w * (this.oneFraction[path + i]! - this.zeroFraction[path + i]!) * v;
      }
      return;
    }
    const hot = goesLeft(e, node, this.x[this.xo + split]!) ? e.left[node]! : e.right[node]!;
    const cold = hot === e.left[node]! ? e.right[node]! : e.left[node]!;
    const w = e.cover[node]!;
    const hotZero = w > 0 ? e.cover[hot]! / w : 0;
    const coldZero = w > 0 ? e.cover[cold]! / w : 0;
    let incomingZero = 1;
    let incomingOne = 1;
    let depth = uniqueDepth;
    let k = 0;
    for (; k <= depth; k++) if (this.featureIndex[path + k] === split) break;
    if (k !== depth + 1) {
      incomingZero = this.zeroFraction[path + k]!;
      incomingOne = this.oneFraction[path + k]!;
      this.unwind(path, depth, k);
      depth -= 1;
    }
    let hotCondition = conditionFraction;
    let coldCondition = conditionFraction;
    if (this.condition > 0 && split === this.conditionFeature) {
      coldCondition = 0;
      depth -= 1;
    } else if (this.condition < 0 && split === this.conditionFeature) {
      hotCondition *= hotZero;
      coldCondition *= coldZero;
      depth -= 1;
    }
    this.recurse(hot, depth + 1, path, hotZero * incomingZero, incomingOne, split, hotCondition);
    this.recurse(cold, depth + 1, path, coldZero * incomingZero, 0, split, coldCondition);
  }

  private copyPath(from: number, to: number, uniqueDepth: number): void {
    for (let i = 0; i <= uniqueDepth; i++) {
      this.featureIndex[to + i] = this.featureIndex[from + i]!;
      this.zeroFraction[to + i] = this.zeroFraction[from + i]!;
      this.oneFraction[to + i] = this.oneFraction[from + i]!;
      this.pweight[to + i] = this.pweight[from + i]!;
    }
  }

  private extend(p: number, d: number, zero: number, one: number, feature: number): void {
    const pw = this.pweight;
    this.featureIndex[p + d] = feature;
    this.zeroFraction[p + d] = zero;
    this.oneFraction[p + d] = one;
    pw[p + d] = d === 0 ? 1 : 0;
    for (let i = d - 1; i >= 0; i--) {
      pw[p + i + 1]! += (one * pw[p + i]! * (i + 1)) / (d + 1);
      pw[p + i] = (zero * pw[p + i]! * (d - i)) / (d + 1);
    }
  }

  private unwind(p: number, d: number, index: number): void {
    const pw = this.pweight;
    const one = this.oneFraction[p + index]!;
    const zero = this.zeroFraction[p + index]!;
    let next = pw[p + d]!;
    for (let i = d - 1; i >= 0; i--) {
      if (one !== 0) {
        const tmp = pw[p + i]!;
        pw[p + i] = (next * (d + 1)) / ((i + 1) * one);
        next = tmp - (pw[p + i]! * zero * (d - i)) / (d + 1);
      } else {
        pw[p + i] = (pw[p + i]! * (d + 1)) / (zero * (d - i));
      }
    }
    for (let i = index; i < d; i++) {
      this.featureIndex[p + i] = this.featureIndex[p + i + 1]!;
      this.zeroFraction[p + i] = this.zeroFraction[p + i + 1]!;
      this.oneFraction[p + i] = this.oneFraction[p + i + 1]!;
    }
  }

  private unwoundSum(p: number, d: number, index: number): number {
    const pw = this.pweight;
    const one = this.oneFraction[p + index]!;
    const zero = this.zeroFraction[p + index]!;
    let next = pw[p + d]!;
    let total = 0;
    for (let i = d - 1; i >= 0; i--) {
      if (one !== 0) {
        const tmp = (next * (d + 1)) / ((i + 1) * one);
        total += tmp;
        next = pw[p + i]! - tmp * zero * ((d - i) / (d + 1));
      } else if (zero !== 0) {
        total += pw[p + i]! / zero / ((d - i) / (d + 1));
      }
    }
    return total;
  }
}

/**
 * Cover-weighted mean leaf value of every node (XGBoost's FillNodeMeanValues): the expected value of
 * a tree's prediction under the path-dependent distribution is `meanValue[root]`.
 */
export function nodeMeanValues(e: TreeEnsemble): Float64Array {
  const mean = new Float64Array(e.feature.length);
  for (let t = 0; t < e.nTrees; t++) {
    // children come after their parents in a pre-order walk; fill by post-order with an explicit stack
    const order: number[] = [];
    const stack = [e.treeStart[t]!];
    while (stack.length > 0) {
      const n = stack.pop()!;
      order.push(n);
      if (e.feature[n]! >= 0) stack.push(e.left[n]!, e.right[n]!);
    }
    for (let i = order.length - 1; i >= 0; i--) {
      const n = order[i]!;
      if (e.feature[n]! < 0) {
        mean[n] = e.value[n]!;
      } else {
        const l = e.left[n]!;
        const r = e.right[n]!;
        const c = e.cover[n]!;
        mean[n] = c > 0 ? (mean[l]! * e.cover[l]! + mean[r]! * e.cover[r]!) / c : 0;
      }
    }
  }
  return mean;
}
