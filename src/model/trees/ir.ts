import type { Task } from '../model.js';

/**
 * The one flat-array tree IR every tree format (XGBoost JSON, LightGBM text, ONNX TreeEnsemble) is
 * parsed into. All trees' nodes live in the same typed arrays; children are global node indices.
 *
 * Split semantics at internal node n, for an input value x of feature `feature[n]`:
 * - x is NaN (missing): go left iff `defaultLeft[n]`.
 * - `zeroMissing[n]` and |x| ≤ 1e-35 (LightGBM "Zero" missing type): also the default direction.
 * - otherwise evaluate `op[n]` (see SPLIT_OP) against `threshold[n]`; true → left, false → right.
 * When `inputPrecision` is 'float32' inputs are rounded to float32 before comparing (XGBoost, ONNX).
 */
export interface TreeEnsemble {
  readonly format: 'xgboost' | 'lightgbm' | 'onnx' | 'manual';
  readonly nFeatures: number;
  readonly featureNames: readonly string[];
  /** Output groups: 1 for binary/regression, K for K-class multiclass (one margin per class). */
  readonly nGroups: number;
  /** Objective as named by the source format (e.g. 'binary:logistic', 'multiclass', 'SOFTMAX'). */
  readonly objective: string;
  /** Link from margin to output: logistic (sigmoid), softmax across groups, or identity. */
  readonly link: TreeLink;
  readonly task: Task;
  readonly classes: readonly string[];
  /** Margin offset per group, added to the tree sum (e.g. logit(base_score) for XGBoost logistic). */
  readonly baseMargin: Float64Array;
  readonly inputPrecision: 'float32' | 'float64';
  /** How leaf values are summed for predictions: XGBoost adds float32 leaves in float32. */
  readonly accumulate: 'float32' | 'float64';
  readonly nTrees: number;
  /** Node index of each tree's root. Tree t owns nodes [treeStart[t], treeStart[t + 1]). */
  readonly treeStart: Int32Array;
  /** Output group of each tree. */
  readonly treeGroup: Int32Array;
  /** Split feature per node; -1 marks a leaf. */
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly op: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly defaultLeft: Uint8Array;
  readonly zeroMissing: Uint8Array;
  /** Leaf value (internal nodes: unused, 0). */
  readonly value: Float64Array;
  /** Training cover (XGBoost sum_hessian, LightGBM count); NaN when the format has none. */
  readonly cover: Float64Array;
  /** Split gain (XGBoost loss_changes, LightGBM split_gain); NaN when unknown. */
  readonly gain: Float64Array;
  /** Categorical splits (op IN_SET): category bitset words catBits[catStart[n] .. catStart[n]+catLength[n]). */
  readonly catStart: Int32Array;
  readonly catLength: Int32Array;
  readonly catBits: Uint32Array;
  /** True when every node has a finite cover (path-dependent TreeSHAP needs it). */
  readonly hasCover: boolean;
  /**
   * Per feature, the category names its integer codes index, when the model file holds them
   * (LightGBM's `pandas_categorical`, XGBoost ≥ 3.1's `cats`); null for numeric features. Absent when the file holds none.
   */
  readonly featureCategories?: readonly (readonly string[] | null)[];
}

export type TreeLink = 'identity' | 'logistic' | 'softmax';

/** Comparison operators; "true" sends the row to the left child. */
export const SPLIT_OP = { LT: 0, LE: 1, GT: 2, GE: 3, EQ: 4, NEQ: 5, IN_SET: 6 } as const;

export function nodeCount(ensemble: TreeEnsemble): number {
  return ensemble.feature.length;
}

/** Mutable builder for the IR: parsers push nodes tree by tree, then call `finish`. */
export class TreeEnsembleBuilder {
  private readonly feature: number[] = [];
  private readonly threshold: number[] = [];
  private readonly op: number[] = [];
  private readonly left: number[] = [];
  private readonly right: number[] = [];
  private readonly defaultLeft: number[] = [];
  private readonly zeroMissing: number[] = [];
  private readonly value: number[] = [];
  private readonly cover: number[] = [];
  private readonly gain: number[] = [];
  private readonly catStart: number[] = [];
  private readonly catLength: number[] = [];
  private readonly catBits: number[] = [];
  private readonly treeStart: number[] = [];
  private readonly treeGroup: number[] = [];

  /** Starts a tree; returns the global index its local node 0 will get. */
  beginTree(group: number): number {
    this.treeStart.push(this.feature.length);
    this.treeGroup.push(group);
    return this.feature.length;
  }

  /** Appends `count` blank nodes (all leaves with value 0) and returns the first global index. */
  allocate(count: number): number {
    const first = this.feature.length;
    for (let i = 0; i < count; i++) {
      this.feature.push(-1);
      this.threshold.push(0);
      this.op.push(0);
      this.left.push(-1);
      this.right.push(-1);
      this.defaultLeft.push(0);
      this.zeroMissing.push(0);
      this.value.push(0);
      this.cover.push(Number.NaN);
      this.gain.push(Number.NaN);
      this.catStart.push(0);
      this.catLength.push(0);
    }
    return first;
  }

  setSplit(node: number, split: { feature: number; threshold: number; op: number; left: number; right: number; defaultLeft: boolean; zeroMissing?: boolean; gain?: number }): void {
    this.feature[node] = split.feature;
    this.threshold[node] = split.threshold;
    this.op[node] = split.op;
    this.left[node] = split.left;
    this.right[node] = split.right;
    this.defaultLeft[node] = split.defaultLeft ? 1 : 0;
    this.zeroMissing[node] = split.zeroMissing ? 1 : 0;
    if (split.gain !== undefined) this.gain[node] = split.gain;
  }

  setLeaf(node: number, value: number): void {
    this.feature[node] = -1;
    this.value[node] = value;
  }

  setCover(node: number, cover: number): void {
    this.cover[node] = cover;
  }

  /** Attaches a category bitset (bit c set → category c goes left) to an IN_SET node. */
  setCategories(node: number, words: readonly number[]): void {
    this.catStart[node] = this.catBits.length;
    this.catLength[node] = words.length;
    for (const w of words) this.catBits.push(w >>> 0);
  }

  finish(meta: Omit<TreeEnsemble, 'nTrees' | 'treeStart' | 'treeGroup' | 'feature' | 'threshold' | 'op' | 'left' | 'right' | 'defaultLeft' | 'zeroMissing' | 'value' | 'cover' | 'gain' | 'catStart' | 'catLength' | 'catBits' | 'hasCover'>): TreeEnsemble {
    const cover = Float64Array.from(this.cover);
    let hasCover = cover.length > 0;
    for (let i = 0; i < cover.length; i++) if (!Number.isFinite(cover[i]!)) hasCover = false;
    const treeStart = Int32Array.from([...this.treeStart, this.feature.length]);
    return Object.freeze({
      ...meta,
      nTrees: this.treeGroup.length,
      treeStart,
      treeGroup: Int32Array.from(this.treeGroup),
      feature: Int32Array.from(this.feature),
      threshold: Float64Array.from(this.threshold),
      op: Uint8Array.from(this.op),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      defaultLeft: Uint8Array.from(this.defaultLeft),
      zeroMissing: Uint8Array.from(this.zeroMissing),
      value: Float64Array.from(this.value),
      cover,
      gain: Float64Array.from(this.gain),
      catStart: Int32Array.from(this.catStart),
      catLength: Int32Array.from(this.catLength),
      catBits: Uint32Array.from(this.catBits),
      hasCover,
    });
  }
}
