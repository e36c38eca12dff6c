import { GlassboxError } from '../../errors.js';
import { Rng } from '../../rng.js';
import { unbiasedHsic } from './hsic.js';
import { checkPaired, gram, type RepresentationMatrix } from './matrix.js';

export interface MinibatchCkaOptions {
  /** Examples per minibatch (default 256; at least 4 for the unbiased estimator). */
  readonly batchSize?: number;
  /** Seed of the shuffle that forms the minibatches (default 0). */
  readonly seed?: number;
  /** How errors name the two matrices (default 'X', 'Y'). */
  readonly names?: readonly [string, string];
}

/**
 * Minibatch linear CKA (Nguyen, Raghu & Kornblith, "Do Wide and Deep Networks Learn the Same Things?",
 * ICLR 2021): the examples are shuffled (seeded) into minibatches of `batchSize`, and
 * CKA = mean_b HSIC₁(K_b, L_b) / √(mean_b HSIC₁(K_b, K_b) · mean_b HSIC₁(L_b, L_b)) with the unbiased
 * HSIC₁ — an estimate that does not depend on the batch size in expectation and never holds an n × n
 * kernel. A last batch with fewer than 4 examples is dropped (the estimator needs 4).
 */
export function minibatchCka(x: RepresentationMatrix, y: RepresentationMatrix, options: MinibatchCkaOptions = {}): { cka: number; batches: number; batchSize: number; seed: number } {
  checkPaired(x, y, options.names ? { names: options.names } : {});
  const batchSize = options.batchSize ?? 256;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(batchSize) || batchSize < 4) throw new GlassboxError('invalid_argument', `batchSize must be an integer ≥ 4; got ${batchSize}.`, { argument: 'batchSize' });
  const n = x.rows;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const rng = new Rng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  let xy = 0;
  let xx = 0;
  let yy = 0;
  let batches = 0;
  for (let start = 0; start + 4 <= n; start += batchSize) {
    const rows = order.subarray(start, Math.min(n, start + batchSize));
    const k = gram(take(x, rows), rows.length, x.cols);
    const l = gram(take(y, rows), rows.length, y.cols);
    xy += unbiasedHsic(k, l, rows.length);
    xx += unbiasedHsic(k, k, rows.length);
    yy += unbiasedHsic(l, l, rows.length);
    batches++;
  }
  return { cka: xy / Math.sqrt(xx * yy), batches, batchSize, seed };
}

function take(m: RepresentationMatrix, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length * m.cols);
  rows.forEach((r, i) => {
    for (let j = 0; j < m.cols; j++) out[i * m.cols + j] = m.data[r * m.cols + j]!;
  });
  return out;
}
