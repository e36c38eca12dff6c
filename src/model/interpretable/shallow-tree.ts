import type { RawMatrix } from '../../encode/encoder.js';
import { GlassboxError } from '../../errors.js';
import type { LearnerFeature } from './binning.js';
import { fitCart, type SurrogateNode } from './cart.js';
import { checkLearnerInputs } from './check-inputs.js';
import type { LearnerTask } from './gam/types.js';

export interface ShallowTreeOptions {
  /** Depth of the tree, 1..4 (default 4): deeper trees stop being readable. */
  readonly maxDepth?: number;
  /** Least training rows per leaf (default: 1% of the rows, at least 20). */
  readonly minSamplesLeaf?: number;
  readonly signal?: AbortSignal;
}

/** A node of the shallow tree: splits as CART's; leaves carry the prediction and the training rows they hold. */
export type ShallowNode =
  | { readonly kind: 'leaf'; readonly value: number; readonly n: number }
  | { readonly kind: 'split'; readonly feature: number; readonly op: '<=' | '=='; readonly threshold: number; readonly left: ShallowNode; readonly right: ShallowNode; readonly n: number };

export interface ShallowTree {
  readonly kind: 'tree';
  readonly task: LearnerTask;
  readonly features: readonly LearnerFeature[];
  readonly root: ShallowNode;
  readonly depth: number;
  readonly leaves: number;
}

export const MAX_READABLE_DEPTH = 4;

/**
 * A shallow CART tree (Breiman et al. 1984) on raw columns — Gini for binary labels, variance for
 * regression — of depth at most 4, whose leaves predict the training rows' positive share (binary, with
 * a +1/+2 Laplace correction so no leaf says 0 or 1) or mean.
 */
export function fitShallowTree(raw: RawMatrix, y: ArrayLike<number>, features: readonly LearnerFeature[], task: LearnerTask, options: ShallowTreeOptions = {}): ShallowTree {
  const target = checkLearnerInputs(raw, y, features, task, 'fitShallowTree');
  const maxDepth = options.maxDepth ?? MAX_READABLE_DEPTH;
  if (!(Number.isInteger(maxDepth) && maxDepth >= 1 && maxDepth <= MAX_READABLE_DEPTH)) {
    throw new GlassboxError('invalid_argument', `fitShallowTree: maxDepth = ${maxDepth}; a readable tree has depth 1 to ${MAX_READABLE_DEPTH}.`, { argument: 'maxDepth', hint: 'Use the GAM for a more flexible interpretable model.' });
  }
  const minSamplesLeaf = options.minSamplesLeaf ?? Math.max(20, Math.round(0.01 * raw.nRows));
  const root = fitCart(raw, target, task === 'binary' ? 2 : 0, features, { maxDepth, minSamplesLeaf, ...(options.signal ? { signal: options.signal } : {}) });
  const all = Int32Array.from({ length: raw.nRows }, (_, i) => i);
  const tree = withLeafValues(root, raw, target, task, all);
  return { kind: 'tree', task, features, root: tree, depth: depthOf(tree), leaves: leafCount(tree) };
}

function goesLeft(node: { feature: number; op: '<=' | '=='; threshold: number }, raw: RawMatrix, i: number): boolean {
  const v = raw.data[i * raw.nFeatures + node.feature]!;
  return node.op === '<=' ? v <= node.threshold : v === node.threshold;
}

function withLeafValues(node: SurrogateNode, raw: RawMatrix, y: Float64Array, task: LearnerTask, rows: Int32Array): ShallowNode {
  if (node.kind === 'leaf') {
    let s = 0;
    for (const i of rows) s += y[i]!;
    const value = task === 'binary' ? (s + 1) / (rows.length + 2) : rows.length > 0 ? s / rows.length : node.value;
    return { kind: 'leaf', value, n: rows.length };
  }
  const left = rows.filter((i) => goesLeft(node, raw, i));
  const right = rows.filter((i) => !goesLeft(node, raw, i));
  return { kind: 'split', feature: node.feature, op: node.op, threshold: node.threshold, left: withLeafValues(node.left, raw, y, task, left), right: withLeafValues(node.right, raw, y, task, right), n: rows.length };
}

function depthOf(node: ShallowNode): number {
  return node.kind === 'leaf' ? 0 : 1 + Math.max(depthOf(node.left), depthOf(node.right));
}

function leafCount(node: ShallowNode): number {
  return node.kind === 'leaf' ? 1 : leafCount(node.left) + leafCount(node.right);
}

/** P(positive) (binary) or the value (regression) of every raw row; missing values go right (x <= t and x == c are false for NaN). */
export function shallowTreePredict(tree: ShallowTree, raw: RawMatrix): Float64Array {
  const out = new Float64Array(raw.nRows);
  for (let i = 0; i < raw.nRows; i++) {
    let node = tree.root;
    while (node.kind === 'split') node = goesLeft(node, raw, i) ? node.left : node.right;
    out[i] = node.value;
  }
  return out;
}

/**
 * The tree as indented text, one line per node:
 *   relationship = "Husband"?
 *   ├─ yes: education-num ≤ 12.5?
 *   │  ├─ yes: P(>50K) = 0.33  (n = 6012)
 */
export function shallowTreeText(tree: ShallowTree, positiveLabel = 'positive'): string {
  const lines: string[] = [];
  const fmt = (v: number): string => String(Number(v.toPrecision(4)));
  const leaf = (node: ShallowNode & { kind: 'leaf' }): string => `${tree.task === 'binary' ? `P(${positiveLabel}) = ${node.value.toFixed(2)}` : `predict ${fmt(node.value)}`}  (n = ${node.n})`;
  const question = (node: ShallowNode & { kind: 'split' }): string => {
    const f = tree.features[node.feature]!;
    if (node.op === '==') return `${f.name} = ${JSON.stringify(f.categories?.[node.threshold] ?? String(node.threshold))}?`;
    return `${f.name} ≤ ${fmt(node.threshold)}?`;
  };
  const walk = (node: ShallowNode, prefix: string, label: string, last: boolean, root: boolean): void => {
    const text = node.kind === 'leaf' ? leaf(node) : question(node);
    lines.push(root ? text : `${prefix}${last ? '└─ ' : '├─ '}${label}: ${text}`);
    if (node.kind === 'split') {
      const inner = root ? '' : `${prefix}${last ? '   ' : '│  '}`;
      walk(node.left, inner, 'yes', false, false);
      walk(node.right, inner, 'no', true, false);
    }
  };
  walk(tree.root, '', '', true, true);
  return lines.join('\n');
}
