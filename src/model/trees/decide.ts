import { GlassboxError } from '../../errors.js';
import type { TreeEnsemble } from './ir.js';

const ZERO_THRESHOLD = 1e-35;

/**
 * Whether input value `x` (already rounded to the ensemble's input precision) goes to the left child
 * of internal node `node`. Missing values (NaN) follow the default direction; see TreeEnsemble.
 */
export function goesLeft(e: TreeEnsemble, node: number, x: number): boolean {
  if (x !== x) return e.defaultLeft[node] === 1;
  if (e.zeroMissing[node] === 1 && x <= ZERO_THRESHOLD && x >= -ZERO_THRESHOLD) return e.defaultLeft[node] === 1;
  const t = e.threshold[node]!;
  switch (e.op[node]) {
    case 0:
      return x < t;
    case 1:
      return x <= t;
    case 2:
      return x > t;
    case 3:
      return x >= t;
    case 4:
      return x === t;
    case 5:
      return x !== t;
    default:
      return inCategorySet(e, node, x);
  }
}

function inCategorySet(e: TreeEnsemble, node: number, x: number): boolean {
  if (x < 0) return false;
  const c = Math.trunc(x);
  const word = c >>> 5;
  if (word >= e.catLength[node]!) return false;
  return ((e.catBits[e.catStart[node]! + word]! >>> (c & 31)) & 1) === 1;
}

/** Copies one input row into `out`, rounding to float32 when the ensemble compares in float32. */
export function loadRow(e: TreeEnsemble, data: ArrayLike<number>, offset: number, out: Float64Array): void {
  const f = e.nFeatures;
  if (e.inputPrecision === 'float32') for (let j = 0; j < f; j++) out[j] = Math.fround(data[offset + j]!);
  else for (let j = 0; j < f; j++) out[j] = data[offset + j]!;
}

/** Index of the leaf row `x` reaches in the tree rooted at `root`. */
export function leafIndex(e: TreeEnsemble, root: number, x: Float64Array): number {
  const feature = e.feature;
  let n = root;
  while (feature[n]! >= 0) n = goesLeft(e, n, x[feature[n]!]!) ? e.left[n]! : e.right[n]!;
  return n;
}

/** Maximum depth (edges from root to the deepest leaf) of tree t. */
export function treeDepth(e: TreeEnsemble, t: number): number {
  const root = e.treeStart[t]!;
  const stack: number[] = [root, 0];
  let max = 0;
  while (stack.length > 0) {
    const d = stack.pop()!;
    const n = stack.pop()!;
    if (e.feature[n]! < 0) max = Math.max(max, d);
    else stack.push(e.left[n]!, d + 1, e.right[n]!, d + 1);
  }
  return max;
}

/**
 * Checks the structure: children inside their own tree, every node reached exactly once from the root
 * (no cycles, no sharing), features in range. Parsers call it so that a corrupted file fails here with a
 * named node instead of looping or reading garbage later.
 */
export function validateEnsemble(e: TreeEnsemble, file: string): void {
  const seen = new Uint8Array(e.feature.length);
  for (let t = 0; t < e.nTrees; t++) {
    const start = e.treeStart[t]!;
    const end = e.treeStart[t + 1]!;
    const stack = [start];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (n < start || n >= end || seen[n] === 1) {
        throw new GlassboxError('invalid_input', `${file}: tree ${t} is malformed: node ${n - start} is out of range or reached twice`, { file, hint: 'The model file is corrupted or was truncated; re-export it from the training library.' });
      }
      seen[n] = 1;
      const f = e.feature[n]!;
      if (f < 0) {
        if (!Number.isFinite(e.value[n]!)) throw new GlassboxError('invalid_input', `${file}: tree ${t} leaf ${n - start} has a non-finite value`, { file, hint: 'Re-export the model; leaf values must be finite numbers.' });
        continue;
      }
      if (f >= e.nFeatures) {
        throw new GlassboxError('invalid_input', `${file}: tree ${t} node ${n - start} splits on feature ${f} but the model has ${e.nFeatures} features`, { file, hint: 'The model file is inconsistent; re-export it.' });
      }
      stack.push(e.left[n]!, e.right[n]!);
    }
  }
}
