import { GlassboxError } from '../errors.js';
import type { LossContext, LossTerm, TF } from './types.js';
import type * as tfTypes from '../model/tfjs/tfjs-api.js';

/**
 * Mean squared norm of the outputs, (1/m) Σ_i Σ_k o_ik² over the batch's rows (unweighted): a
 * closed-form example penalty (logit squashing / confidence penalty) and the simplest composition test.
 */
export function outputL2(options: { readonly output?: 'logits' | 'probabilities'; readonly name?: string } = {}): LossTerm {
  const output = options.output ?? 'logits';
  return Object.freeze({
    name: options.name ?? `output-l2-${output}`,
    value(context: LossContext): tfTypes.Scalar {
      const { tf } = context;
      const o = output === 'logits' ? context.logits : context.probabilities();
      return tf.div(tf.sum(tf.square(o)), Math.max(1, o.shape[0] ?? 1)) as tfTypes.Scalar;
    },
  });
}

export interface MmdOptions {
  /** Metadata column holding each row's group id (default 'group'). */
  readonly groupKey?: string;
  /** The two group ids compared (default [0, 1]); other rows are ignored. */
  readonly groups?: readonly [number, number];
  /** Probability column compared (default: the last, i.e. the positive class of a binary model). */
  readonly column?: number;
  /** Gaussian kernel bandwidth σ in k(s, t) = exp(−(s − t)² / (2σ²)) (default 0.1 on probabilities). */
  readonly bandwidth?: number;
  /** Compare only rows with this label (e.g. 0: negatives, to equalise false-positive rates, as in MinDiff). */
  readonly label?: number;
  readonly name?: string;
}

/**
 * The (biased, V-statistic) squared maximum mean discrepancy between the score distributions of two
 * groups within the batch, MMD² = mean k(a, a′) + mean k(b, b′) − 2 mean k(a, b), with a Gaussian
 * kernel (Gretton et al. 2012), as in MinDiff (Prost et al. 2019). 0 when either group has no row
 * in the batch.
 */
export function gaussianMmd(options: MmdOptions = {}): LossTerm {
  const key = options.groupKey ?? 'group';
  const [ga, gb] = options.groups ?? [0, 1];
  const sigma = options.bandwidth ?? 0.1;
  if (!(sigma > 0)) throw new GlassboxError('invalid_argument', `gaussianMmd: bandwidth must be > 0 (got ${sigma})`, { argument: 'bandwidth', hint: 'Use e.g. 0.1 for probabilities.' });
  return Object.freeze({
    name: options.name ?? 'mmd',
    value(context: LossContext): tfTypes.Scalar {
      const { tf, batch } = context;
      const ids = batch.meta[key];
      if (!ids) throw new GlassboxError('invalid_input', `gaussianMmd: the training data has no metadata column '${key}'`, { argument: 'meta', hint: `Pass meta: { ${key}: Int32Array } with one group id per row.` });
      const m = batch.y.length;
      const a = new Float32Array(m);
      const b = new Float32Array(m);
      for (let i = 0; i < m; i++) {
        if (options.label !== undefined && batch.y[i] !== options.label) continue;
        if (ids[i] === ga) a[i] = 1;
        else if (ids[i] === gb) b[i] = 1;
      }
      const na = a.reduce((s, v) => s + v, 0);
      const nb = b.reduce((s, v) => s + v, 0);
      if (na === 0 || nb === 0) return tf.scalar(0);
      const p = context.probabilities();
      const col = options.column ?? (p.shape[1] ?? 1) - 1;
      const s = tf.reshape(tf.slice(p, [0, col], [-1, 1]), [-1]) as tfTypes.Tensor1D;
      const k = gaussianKernelMatrix(tf, s, sigma);
      return tf.reshape(weightedMmdSquared(tf, k, tf.tensor2d(a.map((v) => v / na), [1, m]), tf.tensor2d(b.map((v) => v / nb), [1, m])), []) as tfTypes.Scalar;
    },
  });
}

/** The Gaussian kernel matrix K_ij = exp(−(s_i − s_j)² / (2σ²)) of a vector of scores. */
export function gaussianKernelMatrix(tf: TF, s: tfTypes.Tensor1D, sigma: number): tfTypes.Tensor2D {
  const diff = tf.sub(tf.reshape(s, [-1, 1]), tf.reshape(s, [1, -1]));
  return tf.exp(tf.div(tf.neg(tf.square(diff)), 2 * sigma * sigma)) as tfTypes.Tensor2D;
}

/**
 * Biased MMD² between weighted samples sharing one kernel matrix K [m, m]: row g of `a` and `b` ([G, m])
 * holds the weights of two samples (each row summing to 1; 0 for rows outside the sample), and the
 * result [G] is aᵀKa + bᵀKb − 2aᵀKb per row (Gretton et al. 2012), as TF Model Remediation's MMDLoss
 * with normalised sample weights.
 */
export function weightedMmdSquared(tf: TF, k: tfTypes.Tensor2D, a: tfTypes.Tensor2D, b: tfTypes.Tensor2D): tfTypes.Tensor1D {
  const quad = (u: tfTypes.Tensor2D, v: tfTypes.Tensor2D): tfTypes.Tensor1D => tf.sum(tf.mul(tf.matMul(u, k), v), 1) as tfTypes.Tensor1D;
  return tf.sub(tf.add(quad(a, a), quad(b, b)), tf.mul(2, quad(a, b))) as tfTypes.Tensor1D;
}
