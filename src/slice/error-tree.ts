import type { Table } from '../data/table.js';
import type { Predicate } from '../data/predicate.js';
import { wilsonInterval } from '../math/stats/wilson.js';
import { excludeOutcomeColumns } from './outcome-columns.js';
import type { OutcomeColumns } from './outcome-columns.js';
import { conditionPredicates, prepareFeatures } from './search-features.js';
import type { Condition, SearchFeature } from './search-features.js';

export interface ErrorTreeOptions {
  /** Defaults reproduce Microsoft Error Analysis (responsibleai): depth 3, 31 leaves, 20 rows per leaf. */
  readonly maxDepth?: number;
  readonly maxLeaves?: number;
  readonly minRowsPerLeaf?: number;
  /** Quantile bins per numeric feature for candidate thresholds (default 32). */
  readonly bins?: number;
  /** Label, prediction and split columns and per-row outcomes: never split on (as in discoverSlices). */
  readonly outcomes?: OutcomeColumns;
}

export interface ErrorTreeNode {
  readonly id: number;
  readonly depth: number;
  /** Path from the root as predicates (numeric: "<" / ">=", categorical: "==" / "!="). */
  readonly predicates: readonly Predicate[];
  readonly n: number;
  /** Sum of the per-row metric (the error count for 0/1 errors). */
  readonly total: number;
  /** Mean metric (error rate) with a Wilson interval when the metric is 0/1. */
  readonly rate: number;
  readonly interval?: { readonly low: number; readonly high: number };
  children?: [number, number];
}

interface Leaf {
  node: number;
  rows: Int32Array;
  conditions: Predicate[];
  best?: { gain: number; feature: number; cut: number; categorical: boolean };
}

function sse(n: number, s: number, ss: number): number {
  return n > 0 ? ss - (s * s) / n : 0;
}

/** Best split of a leaf by squared-error reduction: numeric "code ≤ cut" or categorical "code == cut". */
function bestSplit(features: readonly SearchFeature[], metric: Float64Array, rows: Int32Array, minLeaf: number): Leaf['best'] {
  let n0 = 0, s0 = 0, ss0 = 0;
  for (const i of rows) {
    n0++;
    s0 += metric[i]!;
    ss0 += metric[i]! * metric[i]!;
  }
  const parent = sse(n0, s0, ss0);
  let best: Leaf['best'];
  features.forEach((f, fi) => {
    const B = f.labels.length;
    const h = new Float64Array(B * 3);
    for (const i of rows) {
      const c = f.codes[i]!;
      if (c < 0) continue;
      h[c * 3]! += 1;
      h[c * 3 + 1]! += metric[i]!;
      h[c * 3 + 2]! += metric[i]! * metric[i]!;
    }
    let n = 0, s = 0, ss = 0;
    for (let b = 0; b < B - (f.kind === 'numeric' ? 1 : 0); b++) {
      const [hn, hs, hss] = [h[b * 3]!, h[b * 3 + 1]!, h[b * 3 + 2]!];
      const [ln, ls, lss] = f.kind === 'numeric' ? [(n += hn), (s += hs), (ss += hss)] : [hn, hs, hss];
      if (ln < minLeaf || n0 - ln < minLeaf) continue;
      const gain = parent - sse(ln, ls, lss) - sse(n0 - ln, s0 - ls, ss0 - lss);
      if (gain > 1e-12 && (!best || gain > best.gain)) best = { gain, feature: fi, cut: b, categorical: f.kind === 'categorical' };
    }
  });
  return best;
}

function makeNode(nodes: ErrorTreeNode[], depth: number, predicates: Predicate[], rows: Int32Array, metric: Float64Array, binary: boolean): number {
  let total = 0;
  for (const i of rows) total += metric[i]!;
  const ci = binary ? wilsonInterval(total, rows.length) : undefined;
  nodes.push({ id: nodes.length, depth, predicates, n: rows.length, total, rate: rows.length ? total / rows.length : Number.NaN, ...(ci ? { interval: { low: ci.low, high: ci.high } } : {}) });
  return nodes.length - 1;
}

/**
 * Error tree: a surrogate regression tree fitted on the per-row error (or loss), grown best-first by
 * squared-error reduction like LightGBM, with Microsoft Error Analysis's defaults (max depth 3, 31 leaves,
 * 20 rows per leaf). Outcome columns (see `outcomes`; an error flag always) are never split on. Nodes are returned in creation order (root = 0); leaves have no children.
 */
export function errorTree(table: Table, columns: readonly string[], metric: Float64Array, options: ErrorTreeOptions = {}): ErrorTreeNode[] {
  const binary = metric.every((v) => v === 0 || v === 1);
  const { kept } = excludeOutcomeColumns(table, columns, { ...options.outcomes, ...(binary ? { errors: metric } : {}) });
  const features = prepareFeatures(table, kept, { bins: options.bins ?? 32 });
  const maxDepth = options.maxDepth ?? 3;
  const maxLeaves = options.maxLeaves ?? 31;
  const minLeaf = options.minRowsPerLeaf ?? 20;
  const nodes: ErrorTreeNode[] = [];
  const all = Int32Array.from({ length: metric.length }, (_, i) => i);
  const leaves: Leaf[] = [{ node: makeNode(nodes, 0, [], all, metric, binary), rows: all, conditions: [] }];
  leaves[0]!.best = bestSplit(features, metric, all, minLeaf);
  while (leaves.length < maxLeaves) {
    const open = leaves.filter((l) => l.best && nodes[l.node]!.depth < maxDepth);
    if (open.length === 0) break;
    const leaf = open.reduce((a, b) => (b.best!.gain > a.best!.gain ? b : a));
    const { feature, cut, categorical } = leaf.best!;
    const f = features[feature]!;
    const goesLeft = (i: number): boolean => (categorical ? f.codes[i] === cut : f.codes[i]! >= 0 && f.codes[i]! <= cut);
    const left = leaf.rows.filter(goesLeft);
    const right = leaf.rows.filter((i) => !goesLeft(i));
    const cond: Condition = categorical ? { feature, lo: cut, hi: cut } : { feature, lo: 0, hi: cut };
    const leftPred = conditionPredicates(f, cond);
    const rightPred: Predicate[] = categorical ? [{ feature: f.name, op: '!=', value: f.labels[cut]! }] : [{ feature: f.name, op: '>=', value: f.edges![cut]! }];
    const depth = nodes[leaf.node]!.depth + 1;
    const children = [left, right].map((rows, k) => {
      const preds = [...leaf.conditions, ...(k === 0 ? leftPred : rightPred)];
      const node = makeNode(nodes, depth, preds, rows, metric, binary);
      return { node, rows, conditions: preds, best: depth < maxDepth ? bestSplit(features, metric, rows, minLeaf) : undefined } as Leaf;
    });
    nodes[leaf.node]!.children = [children[0]!.node, children[1]!.node];
    leaves.splice(leaves.indexOf(leaf), 1, ...children);
  }
  return nodes;
}
