import type { RawMatrix } from '../../encode/encoder.js';
import { throwIfAborted } from '../../errors.js';

/** What CART needs to know about a raw feature (an EncodedFeature or a LearnerFeature fits). */
export interface CartFeature {
  readonly name: string;
  readonly type: string;
  readonly categories?: readonly string[];
}

/** A node of a CART tree on raw rows; leaves have `value` only (a class index or a mean). */
export type CartNode = SurrogateNode;
/** Kept under its first name, which the global surrogate uses. */
export type SurrogateNode =
  | { readonly kind: 'leaf'; readonly value: number; readonly n: number; readonly purity: number }
  | { readonly kind: 'split'; readonly feature: number; readonly op: '<=' | '=='; readonly threshold: number; readonly left: SurrogateNode; readonly right: SurrogateNode; readonly n: number };

/**
 * Fits a CART tree on raw rows: `k` classes (y = class index, Gini) or k = 0 (y = value, variance).
 * Used by the surrogate and by detectors that retrain a simple model on the labels.
 */
export function fitCart(raw: RawMatrix, y: Float64Array, k: number, features: readonly CartFeature[], options: { maxDepth?: number; minSamplesLeaf?: number; signal?: AbortSignal; rows?: Int32Array } = {}): SurrogateNode {
  const ctx: Ctx = { raw, y, k, minLeaf: options.minSamplesLeaf ?? 5, maxDepth: options.maxDepth ?? 3, features, signal: options.signal };
  return grow(ctx, options.rows ?? Int32Array.from({ length: raw.nRows }, (_, i) => i), 0);
}

interface Ctx {
  raw: RawMatrix;
  y: Float64Array;
  k: number;
  minLeaf: number;
  maxDepth: number;
  features: readonly CartFeature[];
  signal: AbortSignal | undefined;
}

function grow(ctx: Ctx, rows: Int32Array, depth: number): SurrogateNode {
  throwIfAborted(ctx.signal);
  const leaf = makeLeaf(ctx, rows);
  if (depth >= ctx.maxDepth || rows.length < 2 * ctx.minLeaf || leaf.purity === 1) return leaf;
  const best = bestSplit(ctx, rows);
  if (!best) return leaf;
  const f = ctx.raw.nFeatures;
  const goesLeft = (i: number): boolean => {
    const v = ctx.raw.data[i * f + best.feature]!;
    return best.op === '<=' ? v <= best.threshold : v === best.threshold;
  };
  const left = rows.filter(goesLeft);
  const right = rows.filter((i) => !goesLeft(i));
  return { kind: 'split', feature: best.feature, op: best.op, threshold: best.threshold, left: grow(ctx, left, depth + 1), right: grow(ctx, right, depth + 1), n: rows.length };
}

function makeLeaf(ctx: Ctx, rows: Int32Array): SurrogateNode & { kind: 'leaf' } {
  if (ctx.k === 0) {
    let s = 0;
    for (const i of rows) s += ctx.y[i]!;
    const mean = s / Math.max(1, rows.length);
    let v = 0;
    for (const i of rows) v += (ctx.y[i]! - mean) ** 2;
    return { kind: 'leaf', value: mean, n: rows.length, purity: v === 0 ? 1 : 0 };
  }
  const counts = new Float64Array(ctx.k);
  for (const i of rows) counts[ctx.y[i]!]! += 1;
  let best = 0;
  for (let c = 1; c < ctx.k; c++) if (counts[c]! > counts[best]!) best = c;
  return { kind: 'leaf', value: best, n: rows.length, purity: counts[best]! / Math.max(1, rows.length) };
}

/** Impurity × n: Gini for classes, sum of squares for regression. */
function impurity(ctx: Ctx, stats: Float64Array, n: number): number {
  if (n === 0) return 0;
  if (ctx.k === 0) return stats[1]! - (stats[0]! * stats[0]!) / n;
  let g = 1;
  for (let c = 0; c < ctx.k; c++) g -= (stats[c]! / n) ** 2;
  return g * n;
}

function bestSplit(ctx: Ctx, rows: Int32Array): { feature: number; op: '<=' | '=='; threshold: number } | undefined {
  const f = ctx.raw.nFeatures;
  const size = ctx.k === 0 ? 2 : ctx.k;
  const total = new Float64Array(size);
  for (const i of rows) addStat(ctx, total, i, 1);
  let bestGain = 1e-12;
  let best: { feature: number; op: '<=' | '=='; threshold: number } | undefined;
  const parent = impurity(ctx, total, rows.length);
  for (let j = 0; j < f; j++) {
    const values = Float64Array.from(rows, (i) => ctx.raw.data[i * f + j]!);
    if (ctx.features[j]?.type === 'categorical') {
      for (const c of new Set(values)) {
        const left = new Float64Array(size);
        let nl = 0;
        rows.forEach((i, r) => {
          if (values[r] === c) {
            addStat(ctx, left, i, 1);
            nl++;
          }
        });
        if (nl < ctx.minLeaf || rows.length - nl < ctx.minLeaf) continue;
        const gain = parent - impurity(ctx, left, nl) - impurity(ctx, total.map((t, q) => t - left[q]!), rows.length - nl);
        if (gain > bestGain) {
          bestGain = gain;
          best = { feature: j, op: '==', threshold: c };
        }
      }
      continue;
    }
    const order = Int32Array.from(rows.keys()).sort((a, b) => values[a]! - values[b]!);
    const left = new Float64Array(size);
    for (let r = 0; r < order.length - 1; r++) {
      addStat(ctx, left, rows[order[r]!]!, 1);
      const v = values[order[r]!]!;
      const next = values[order[r + 1]!]!;
      const nl = r + 1;
      if (v === next || nl < ctx.minLeaf || rows.length - nl < ctx.minLeaf) continue;
      const gain = parent - impurity(ctx, left, nl) - impurity(ctx, total.map((t, q) => t - left[q]!), rows.length - nl);
      if (gain > bestGain) {
        bestGain = gain;
        best = { feature: j, op: '<=', threshold: (v + next) / 2 };
      }
    }
  }
  return best;
}

function addStat(ctx: Ctx, stats: Float64Array, i: number, sign: number): void {
  if (ctx.k === 0) {
    stats[0]! += sign * ctx.y[i]!;
    stats[1]! += sign * ctx.y[i]! ** 2;
  } else stats[ctx.y[i]!]! += sign;
}

export function predict(node: SurrogateNode, raw: RawMatrix, i: number): number {
  let cur = node;
  while (cur.kind === 'split') {
    const v = raw.data[i * raw.nFeatures + cur.feature]!;
    cur = (cur.op === '<=' ? v <= cur.threshold : v === cur.threshold) ? cur.left : cur.right;
  }
  return cur.value;
}

/** One readable rule per leaf: "if a <= 3 and colour = red then bad (n = 40, 90% of them)". */
export function cartRules(root: SurrogateNode, features: readonly CartFeature[], classes: readonly string[], regression: boolean): string[] {
  const out: string[] = [];
  const walk = (node: SurrogateNode, path: string[]): void => {
    if (node.kind === 'leaf') {
      const then = regression ? `predict ${Number(node.value.toPrecision(4))}` : `${classes[node.value] ?? node.value} (${Math.round(100 * node.purity)}% of ${node.n})`;
      out.push(`if ${path.length ? path.join(' and ') : 'always'} then ${then}`);
      return;
    }
    const feat = features[node.feature]!;
    const name = feat.name;
    if (node.op === '==') {
      const cat = JSON.stringify(feat.categories?.[node.threshold] ?? node.threshold);
      walk(node.left, [...path, `${name} = ${cat}`]);
      walk(node.right, [...path, `${name} != ${cat}`]);
    } else {
      const t = Number(node.threshold.toPrecision(6));
      walk(node.left, [...path, `${name} <= ${t}`]);
      walk(node.right, [...path, `${name} > ${t}`]);
    }
  };
  walk(root, []);
  return out;
}
