import { goesLeft } from '../../model/trees/decide.js';
import { SPLIT_OP } from '../../model/trees/ir.js';
import type { TreeEnsemble } from '../../model/trees/ir.js';
import { buildLeafTables } from './fast-tables.js';
import type { LeafTables } from './fast-tables.js';
import { PathDependentTreeShap, nodeMeanValues } from './path-dependent.js';

/**
 * Exact path-dependent TreeSHAP values and SHAP interaction values for one row at a time, using the
 * precomputed leaf tables of fast-tables.ts (trees too deep for tables fall back to Algorithm 2).
 * Output layout matches XGBoost's pred_contribs / pred_interactions: nFeatures columns then the bias.
 * One instance per thread; every method reuses the instance's scratch buffers.
 */
export class FastTreeShap {
  readonly tables: LeafTables;
  private readonly fallback: PathDependentTreeShap;
  private readonly meanValues: Float64Array;
  private readonly stackNode: Int32Array;
  private readonly stackMask: Int32Array;
  private readonly phiOn: Float64Array;
  private readonly phiOff: Float64Array;
  private phiScratch: Float64Array = new Float64Array(0);
  private readonly invZ: Float64Array;
  /** 1 where the node is a plain "x < threshold" split without zero-as-missing (the inlined fast path). */
  private readonly simple: Uint8Array;
  private readonly pathBit: Int32Array;

  constructor(
    private readonly e: TreeEnsemble,
    options: { interactions?: boolean; maxTableDepth?: number } = {},
  ) {
    this.tables = buildLeafTables(e, options);
    this.fallback = new PathDependentTreeShap(e);
    this.meanValues = nodeMeanValues(e);
    let maxNodes = 0;
    for (let t = 0; t < e.nTrees; t++) maxNodes = Math.max(maxNodes, e.treeStart[t + 1]! - e.treeStart[t]!);
    this.stackNode = new Int32Array(maxNodes + 2);
    this.stackMask = new Int32Array(maxNodes + 2);
    this.phiOn = new Float64Array(e.nFeatures + 1);
    this.phiOff = new Float64Array(e.nFeatures + 1);
    this.invZ = new Float64Array(Math.max(1, this.tables.maxDepth));
    this.simple = new Uint8Array(e.feature.length);
    this.pathBit = new Int32Array(e.feature.length);
    for (let n = 0; n < e.feature.length; n++) {
      this.simple[n] = e.op[n] === SPLIT_OP.LT && e.zeroMissing[n] === 0 ? 1 : 0;
      const pos = this.tables.pathPos[n]!;
      this.pathBit[n] = pos >= 0 && pos < 31 ? 1 << pos : 0;
    }
  }

  /** Expected margin of output group `group` under the trees' cover distribution (the SHAP base value). */
  expectedValue(group: number): number {
    let bias = this.e.baseMargin[group]!;
    for (let t = 0; t < this.e.nTrees; t++) if (this.e.treeGroup[t] === group) bias += this.meanValues[this.e.treeStart[t]!]!;
    return bias;
  }

  /** Writes φ (nFeatures values, then the base value) for row x and output group into phi[offset…]. */
  contributions(x: Float64Array, group: number, phi: Float64Array, offset = 0): void {
    this.contributionsBatch(x, 0, 1, group, phi, offset);
  }

  /**
   * φ for `nRows` rows stored row-major in `rows` from `rowOffset` (values already at the ensemble's
   * input precision), written as nRows × (nFeatures + 1) into out[outOffset…]. Trees are the outer loop
   * so that each tree's tables stay in cache while the batch streams past them.
   */
  contributionsBatch(rows: Float64Array, rowOffset: number, nRows: number, group: number, out: Float64Array, outOffset = 0): void {
    const e = this.e;
    const m = e.nFeatures;
    const w = m + 1;
    out.fill(0, outOffset, outOffset + nRows * w);
    const bias = this.expectedValue(group);
    for (let t = 0; t < e.nTrees; t++) {
      if (e.treeGroup[t] !== group) continue;
      const fast = this.tables.treeFast[t] === 1;
      for (let r = 0; r < nRows; r++) {
        if (fast) this.treeContribs(t, rows, rowOffset + r * m, out, outOffset + r * w);
        else this.fallback.treeContribs(t, rows, out, 0, -1, rowOffset + r * m, outOffset + r * w);
      }
    }
    for (let r = 0; r < nRows; r++) out[outOffset + r * w + m] = bias;
  }

  private treeContribs(t: number, x: Float64Array, xo: number, phi: Float64Array, po0: number): void {
    const e = this.e;
    const tb = this.tables;
    const feature = e.feature;
    const threshold = e.threshold;
    const simple = this.simple;
    const defaultLeft = e.defaultLeft;
    const leftChild = e.left;
    const rightChild = e.right;
    const pathBit = this.pathBit;
    const slotOfNode = tb.slotOfNode;
    const leafDepth = tb.leafDepth;
    const leafPathOffset = tb.leafPathOffset;
    const leafTableOffset = tb.leafTableOffset;
    const leafZ = tb.leafZ;
    const leafFeature = tb.leafFeature;
    const table = tb.table;
    const zcTable = tb.zcTable;
    const sn = this.stackNode;
    const sm = this.stackMask;
    sn[0] = e.treeStart[t]!;
    sm[0] = -1;
    let top = 1;
    while (top > 0) {
      top--;
      const node = sn[top]!;
      const mask = sm[top]!;
      const f = feature[node]!;
      if (f >= 0) {
        const xv = x[xo + f]!;
        const left = simple[node] === 1 ? (xv !== xv ? defaultLeft[node] === 1 : xv < threshold[node]!) : goesLeft(e, node, xv);
        const bit = pathBit[node]!;
        sn[top] = leftChild[node]!;
        sm[top] = left ? mask : mask & ~bit;
        sn[top + 1] = rightChild[node]!;
        sm[top + 1] = left ? mask & ~bit : mask;
        top += 2;
        continue;
      }
      const slot = slotOfNode[node]!;
      const d = leafDepth[slot]!;
      const po = leafPathOffset[slot]!;
      const to = leafTableOffset[slot]!;
      const h = mask & ((1 << d) - 1);
      const zc = zcTable[to + h]!;
      const cold = zc * table[to + h]!;
      for (let p = 0; p < d; p++) {
        const hot = (h >>> p) & 1;
        const hotValue = (1 - leafZ[po + p]!) * zc * table[to + (h ^ (1 << p))]!;
        phi[po0 + leafFeature[po + p]!]! += hot * (hotValue + cold) - cold;
      }
    }
  }

  /**
   * SHAP interaction values for row x and output group, (nFeatures+1)² values row-major into out[offset…]:
   * off-diagonal Φ_ij, diagonal Φ_ii = φ_i − Σ_{j≠i} Φ_ij, and the base value at [M][M] (XGBoost layout).
   */
  interactions(x: Float64Array, group: number, out: Float64Array, offset = 0): void {
    this.interactionsBatch(x, 0, 1, group, out, offset);
  }

  /** Interaction matrices for nRows rows (see `interactions`), nRows × (M+1)² into out[outOffset…]. */
  interactionsBatch(rows: Float64Array, rowOffset: number, nRows: number, group: number, out: Float64Array, outOffset = 0): void {
    const e = this.e;
    const m = e.nFeatures;
    const w = m + 1;
    const ww = w * w;
    if (this.phiScratch.length < nRows * w) this.phiScratch = new Float64Array(nRows * w);
    const phi = this.phiScratch;
    this.contributionsBatch(rows, rowOffset, nRows, group, phi, 0);
    out.fill(0, outOffset, outOffset + nRows * ww);
    for (let t = 0; t < e.nTrees; t++) {
      if (e.treeGroup[t] !== group) continue;
      const fast = this.tables.treeFast[t] === 1 && this.tables.table2.length > 0;
      for (let r = 0; r < nRows; r++) {
        if (fast) this.treeInteractions(t, rows, rowOffset + r * m, out, outOffset + r * ww, w);
        else this.fallbackInteractions(t, rows, rowOffset + r * m, out, outOffset + r * ww, w);
      }
    }
    for (let r = 0; r < nRows; r++) {
      const o = outOffset + r * ww;
      for (let i = 0; i < m; i++) {
        let rest = 0;
        for (let j = 0; j < m; j++) if (j !== i) rest += out[o + i * w + j]!;
        out[o + i * w + i] = phi[r * w + i]! - rest;
      }
      out[o + m * w + m] = phi[r * w + m]!;
    }
  }

  private treeInteractions(t: number, x: Float64Array, xo: number, out: Float64Array, offset: number, w: number): void {
    const e = this.e;
    const tb = this.tables;
    const sn = this.stackNode;
    const sm = this.stackMask;
    const invZ = this.invZ;
    sn[0] = e.treeStart[t]!;
    sm[0] = -1;
    let top = 1;
    while (top > 0) {
      top--;
      const node = sn[top]!;
      const mask = sm[top]!;
      const f = e.feature[node]!;
      if (f >= 0) {
        const bit = this.pathBit[node]!;
        const xv = x[xo + f]!;
        const left = this.simple[node] === 1 ? (xv !== xv ? e.defaultLeft[node] === 1 : xv < e.threshold[node]!) : goesLeft(e, node, xv);
        sn[top] = e.left[node]!;
        sm[top] = left ? mask : mask & ~bit;
        sn[top + 1] = e.right[node]!;
        sm[top + 1] = left ? mask & ~bit : mask;
        top += 2;
        continue;
      }
      const slot = tb.slotOfNode[node]!;
      const d = tb.leafDepth[slot]!;
      if (d < 2) continue;
      const po = tb.leafPathOffset[slot]!;
      const to = tb.leafTableOffset[slot]!;
      const h = mask & ((1 << d) - 1);
      let zc = 1;
      for (let p = 0; p < d; p++) {
        const z = tb.leafZ[po + p]!;
        invZ[p] = z > 0 ? 1 / z : 0;
        if (((h >>> p) & 1) === 0) zc *= z;
      }
      for (let p = 0; p < d; p++) {
        const hp = (h >>> p) & 1;
        const zp = tb.leafZ[po + p]!;
        if (hp === 0 && zp === 0) continue;
        const ap = (hp - zp) * (hp === 1 ? zc : zc * invZ[p]!);
        const fp = tb.leafFeature[po + p]!;
        for (let q = p + 1; q < d; q++) {
          const hq = (h >>> q) & 1;
          const zq = tb.leafZ[po + q]!;
          if (hq === 0 && zq === 0) continue;
          const b = tb.table2[to + (h & ~((1 << p) | (1 << q)))]!;
          const val = 0.5 * ap * (hq - zq) * (hq === 1 ? 1 : invZ[q]!) * b;
          const fq = tb.leafFeature[po + q]!;
          out[offset + fp * w + fq]! += val;
          out[offset + fq * w + fp]! += val;
        }
      }
    }
  }

  /** XGBoost's construction for trees without tables: Φ_ij = (φ_j | i present − φ_j | i absent) / 2. */
  private fallbackInteractions(t: number, x: Float64Array, xo: number, out: Float64Array, offset: number, w: number): void {
    const m = this.e.nFeatures;
    for (let i = 0; i < m; i++) {
      this.phiOn.fill(0);
      this.phiOff.fill(0);
      this.fallback.treeContribs(t, x, this.phiOn, 1, i, xo, 0);
      this.fallback.treeContribs(t, x, this.phiOff, -1, i, xo, 0);
      for (let j = 0; j < m; j++) if (j !== i) out[offset + i * w + j]! += (this.phiOn[j]! - this.phiOff[j]!) / 2;
    }
  }
}
