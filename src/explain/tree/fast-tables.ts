import type { TreeEnsemble } from '../../model/trees/ir.js';
import { popcount } from '../../math/popcount.js';

/**
 * Per-leaf precomputation for exact path-dependent TreeSHAP in the spirit of Fast TreeSHAP v2
 * (Yang 2021, "Fast TreeSHAP: Accelerating SHAP Value Computation for Trees").
 *
 * Path-dependent TreeSHAP explains, for each leaf l with value v and unique path features D (|D| = d),
 * the product game f_l(S) = v · Π_{k∈D} (k∈S ? o_k : z_k), where z_k is the product of cover ratios
 * of the path's splits on k and o_k ∈ {0,1} says whether the row satisfies all of them. Because o is
 * binary, only the set H = {k : o_k = 1} matters, and with P(T) = Σ_{S⊆T} w(|S|,d) Π_{k∈T\S} z_k
 * (w(s,d) = s!(d−s−1)!/d!) the Shapley values are
 *   φ_j = v (1 − z_j) Z(D\H) P(H\{j})   for j ∈ H,
 *   φ_j = −v Z(D\H) P(H)               for j ∉ H,       Z(A) = Π_{k∈A} z_k.
 * The tables B[T] = v·P(T) for all 2^d subsets T are precomputed once, so each row costs O(d) per leaf
 * (O(L·D) per tree instead of Algorithm 2's O(L·D²)) and the inner loop allocates nothing. Interaction
 * values use the same construction with weights w(s, d−1) (table B2).
 */
export interface LeafTables {
  /** Per tree: first leaf slot, and whether the tree uses the tables (false → Algorithm 2 fallback). */
  readonly treeLeafStart: Int32Array;
  readonly treeFast: Uint8Array;
  /** Per internal node: bit position of its split feature in the unique path at that node. */
  readonly pathPos: Int8Array;
  /** Per leaf slot: node index, path length d, offset into leafFeature/leafZ, offset into tables. */
  readonly leafNode: Int32Array;
  readonly leafDepth: Int32Array;
  readonly leafPathOffset: Int32Array;
  readonly leafTableOffset: Int32Array;
  readonly leafFeature: Int32Array;
  readonly leafZ: Float64Array;
  /** Leaf slot of each leaf node (−1 for internal nodes). */
  readonly slotOfNode: Int32Array;
  readonly table: Float64Array;
  /** Zc[H] = Π_{p∉H} z_p per leaf, same layout as `table`. */
  readonly zcTable: Float64Array;
  /** Interaction table (weights w(s, d−1)); empty unless built with interactions. */
  readonly table2: Float64Array;
  readonly maxDepth: number;
}

/** Shapley weight w(s, n) = s!(n−s−1)!/n! for s = 0..n−1, computed by a stable recurrence. */
export function shapleyWeights(n: number): Float64Array {
  const w = new Float64Array(Math.max(1, n));
  if (n === 0) return w;
  w[0] = 1 / n;
  for (let s = 1; s < n; s++) w[s] = (w[s - 1]! * s) / (n - s);
  return w;
}

interface LeafRecord {
  node: number;
  features: number[];
  z: number[];
}

/** Collects each leaf's unique path features and zero fractions, and each node's path position. */
function walkTree(e: TreeEnsemble, t: number, pathPos: Int8Array, leaves: LeafRecord[]): number {
  let maxD = 0;
  const visit = (node: number, features: number[], z: number[]): void => {
    const f = e.feature[node]!;
    if (f < 0) {
      leaves.push({ node, features: features.slice(), z: z.slice() });
      maxD = Math.max(maxD, features.length);
      return;
    }
    let p = features.indexOf(f);
    const isNew = p < 0;
    if (isNew) p = features.length;
    pathPos[node] = p;
    const c = e.cover[node]!;
    for (const child of [e.left[node]!, e.right[node]!]) {
      const ratio = c > 0 ? e.cover[child]! / c : 0;
      const f2 = isNew ? [...features, f] : features.slice();
      const z2 = isNew ? [...z, ratio] : z.slice();
      if (!isNew) z2[p] = z2[p]! * ratio;
      visit(child, f2, z2);
    }
  };
  visit(e.treeStart[t]!, [], []);
  return maxD;
}

/** Fills B[T] = v Σ_s weights[s] e_{|T|−s}(z_T) for all subsets T of d positions via subset polynomials. */
function fillTable(out: Float64Array, offset: number, z: readonly number[], v: number, weights: Float64Array, poly: Float64Array): void {
  const d = z.length;
  const stride = d + 1;
  poly.fill(0, 0, stride);
  poly[0] = 1;
  out[offset] = v * weights[0]!;
  for (let T = 1; T < 1 << d; T++) {
    const low = 31 - Math.clz32(T & -T);
    const prev = (T & (T - 1)) * stride;
    const cur = T * stride;
    const zk = z[low]!;
    // poly_T(y) = poly_prev(y) · (z_low + y); coefficient s is of y^s
    poly[cur] = poly[prev]! * zk;
    for (let s = 1; s <= d; s++) poly[cur + s] = poly[prev + s]! * zk + poly[prev + s - 1]!;
    let sum = 0;
    const size = popcount(T);
    for (let s = 0; s <= size && s < weights.length; s++) sum += weights[s]! * poly[cur + s]!;
    out[offset + T] = v * sum;
  }
}

/** out[T] = Π_{p∉T} z_p for every subset T of the d path positions. */
function fillComplementProducts(out: Float64Array, offset: number, z: readonly number[]): void {
  const d = z.length;
  const full = (1 << d) - 1;
  // first the product over each subset C, stored at the complement's slot
  out[offset + full] = 1;
  for (let c = 1; c <= full; c++) {
    const low = 31 - Math.clz32(c & -c);
    out[offset + (full ^ c)] = out[offset + (full ^ (c & (c - 1)))]! * z[low]!;
  }
}

/**
 * Builds the leaf tables for every tree whose deepest unique path has at most `maxTableDepth` features
 * (memory 2^d doubles per leaf); deeper trees are marked for the Algorithm 2 fallback.
 */
export function buildLeafTables(e: TreeEnsemble, options: { maxTableDepth?: number; interactions?: boolean } = {}): LeafTables {
  const maxTableDepth = Math.min(20, options.maxTableDepth ?? 14);
  const pathPos = new Int8Array(e.feature.length).fill(-1);
  const slotOfNode = new Int32Array(e.feature.length).fill(-1);
  const perTree: LeafRecord[][] = [];
  const treeFast = new Uint8Array(e.nTrees);
  let maxDepth = 0;
  for (let t = 0; t < e.nTrees; t++) {
    const leaves: LeafRecord[] = [];
    const d = walkTree(e, t, pathPos, leaves);
    maxDepth = Math.max(maxDepth, d);
    treeFast[t] = d <= maxTableDepth ? 1 : 0;
    perTree.push(treeFast[t] === 1 ? leaves : []);
  }
  const all = perTree.flat();
  const treeLeafStart = new Int32Array(e.nTrees + 1);
  for (let t = 0; t < e.nTrees; t++) treeLeafStart[t + 1] = treeLeafStart[t]! + perTree[t]!.length;
  const leafNode = new Int32Array(all.length);
  const leafDepth = new Int32Array(all.length);
  const leafPathOffset = new Int32Array(all.length + 1);
  const leafTableOffset = new Int32Array(all.length + 1);
  all.forEach((leaf, i) => {
    leafNode[i] = leaf.node;
    slotOfNode[leaf.node] = i;
    leafDepth[i] = leaf.features.length;
    leafPathOffset[i + 1] = leafPathOffset[i]! + leaf.features.length;
    leafTableOffset[i + 1] = leafTableOffset[i]! + (1 << leaf.features.length);
  });
  const leafFeature = new Int32Array(leafPathOffset[all.length]!);
  const leafZ = new Float64Array(leafPathOffset[all.length]!);
  const table = new Float64Array(leafTableOffset[all.length]!);
  const table2 = new Float64Array(options.interactions ? leafTableOffset[all.length]! : 0);
  const zcTable = new Float64Array(leafTableOffset[all.length]!);
  const limit = Math.min(maxDepth, maxTableDepth);
  const poly = new Float64Array((1 << limit) * (limit + 1));
  all.forEach((leaf, i) => {
    const off = leafPathOffset[i]!;
    leaf.features.forEach((f, p) => {
      leafFeature[off + p] = f;
      leafZ[off + p] = leaf.z[p]!;
    });
    const d = leaf.features.length;
    const v = e.value[leaf.node]!;
    fillTable(table, leafTableOffset[i]!, leaf.z, v, shapleyWeights(d), poly);
    fillComplementProducts(zcTable, leafTableOffset[i]!, leaf.z);
    if (options.interactions && d >= 2) fillTable(table2, leafTableOffset[i]!, leaf.z, v, shapleyWeights(d - 1), poly);
  });
  return { treeLeafStart, treeFast, pathPos, leafNode, leafDepth, leafPathOffset, leafTableOffset, leafFeature, leafZ, slotOfNode, table, zcTable, table2, maxDepth };
}
