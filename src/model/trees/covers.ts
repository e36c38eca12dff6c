import { GlassboxError } from '../../errors.js';
import { goesLeft, loadRow } from './decide.js';
import type { TreeEnsemble } from './ir.js';

/**
 * Returns a copy of the ensemble whose node covers are the number of `rows` (row-major, nFeatures wide)
 * that pass through each node. Formats without covers (ONNX from skl2onnx) need this before
 * path-dependent TreeSHAP; pass the training rows (or a large sample) to get the training distribution.
 */
export function attachCovers(e: TreeEnsemble, rows: ArrayLike<number>, nRows: number): TreeEnsemble {
  if (rows.length !== nRows * e.nFeatures || nRows === 0) {
    throw new GlassboxError('shape_mismatch', `attachCovers: expected ${nRows} rows × ${e.nFeatures} features (${nRows * e.nFeatures} values), got ${rows.length}`, { argument: 'rows', hint: 'Pass training rows as a row-major matrix with the model\'s feature columns.' });
  }
  const cover = new Float64Array(e.feature.length);
  const x = new Float64Array(e.nFeatures);
  for (let i = 0; i < nRows; i++) {
    loadRow(e, rows, i * e.nFeatures, x);
    for (let t = 0; t < e.nTrees; t++) {
      let n = e.treeStart[t]!;
      cover[n]! += 1;
      while (e.feature[n]! >= 0) {
        n = goesLeft(e, n, x[e.feature[n]!]!) ? e.left[n]! : e.right[n]!;
        cover[n]! += 1;
      }
    }
  }
  return Object.freeze({ ...e, cover, hasCover: true });
}
