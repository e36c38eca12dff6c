import { GlassboxError } from '../../errors.js';
import { gaussianKernelMatrix, weightedMmdSquared } from '../../train/penalties.js';
import type { LossContext, LossTerm } from '../../train/types.js';
import type * as tfTypes from '../../model/tfjs/tfjs-api.js';
import { oneVsRest } from './membership.js';

export interface MinDiffOptions {
  /** Metadata column holding each row's group id (default 'group'); negative ids belong to no group. */
  readonly groupKey?: string;
  /**
   * Compare only rows with this label: 0 (negatives) equalises false-positive rates, 1 (positives)
   * true-positive rates; undefined compares all rows (selection rates).
   */
  readonly label?: number;
  /** Probability column whose scores are compared (default: the last, the positive class). */
  readonly column?: number;
  readonly name?: string;
}

export interface MinDiffMmdOptions extends MinDiffOptions {
  /**
   * σ of the Gaussian kernel exp(−(s − t)² / 2σ²) on probabilities (default 0.1/√2 ≈ 0.0707, which is
   * TF Model Remediation's GaussianKernel(kernel_length=0.1): exp(−(s − t)² / l²)).
   */
  readonly bandwidth?: number;
}

/** The default σ: TF Model Remediation's kernel_length 0.1 in our exp(−d²/2σ²) form. */
export const MINDIFF_DEFAULT_BANDWIDTH = 0.1 / Math.SQRT2;

function scoresOf(context: LossContext, rows: Int32Array, column: number | undefined): tfTypes.Tensor1D {
  const { tf } = context;
  const p = context.probabilities();
  const col = column ?? (p.shape[1] ?? 1) - 1;
  const s = tf.reshape(tf.slice(p, [0, col], [-1, 1]), [-1]);
  return tf.gather(s, tf.tensor1d(rows, 'int32')) as tfTypes.Tensor1D;
}

/**
 * The MinDiff MMD penalty (Prost, Qian, Chen, Chi, Chen & Beutel 2019, "Toward a better trade-off between
 * performance and fairness with kernel-based distribution matching"; TF Model Remediation's MMDLoss):
 * the biased squared maximum mean discrepancy, with a Gaussian kernel, between the score distribution of
 * a group and that of the other rows, among the batch's rows with the given label (negatives: FPR). With
 * more than two groups every group is compared with the rest and the penalty is the mean over groups;
 * with two it is the MMD² of the two. Rows are weighted by their normalised sample weights. 0 when the
 * batch holds fewer than two groups among those rows.
 */
export function minDiffMmd(options: MinDiffMmdOptions = {}): LossTerm {
  const key = options.groupKey ?? 'group';
  const sigma = options.bandwidth ?? MINDIFF_DEFAULT_BANDWIDTH;
  if (!(sigma > 0)) throw new GlassboxError('invalid_argument', `minDiffMmd: bandwidth must be > 0 (got ${sigma})`, { argument: 'bandwidth', hint: 'Use e.g. 0.07 for probabilities.' });
  return Object.freeze({
    name: options.name ?? 'mindiff-mmd',
    value(context: LossContext): tfTypes.Scalar {
      const { tf } = context;
      const split = oneVsRest(context.batch, key, options.label);
      if (split.groups.length === 0) return tf.scalar(0);
      const m = split.rows.length;
      const g = split.groups.length;
      const k = gaussianKernelMatrix(tf, scoresOf(context, split.rows, options.column), sigma);
      const per = weightedMmdSquared(tf, k, tf.tensor2d(split.inGroup, [g, m]), tf.tensor2d(split.rest, [g, m]));
      return tf.mean(per) as tfTypes.Scalar;
    },
  });
}

/**
 * The MinDiff absolute-correlation penalty (Beutel et al. 2019, "Putting fairness principles into
 * practice"; TF Model Remediation's AbsoluteCorrelationLoss): |Pearson correlation| between membership in
 * a group (0/1) and the score, weighted by the normalised sample weights, among the batch's rows with the
 * given label. With more than two groups, the mean over groups of each group against the rest. 0 when the
 * batch holds fewer than two groups among those rows.
 */
export function minDiffAbsCorrelation(options: MinDiffOptions = {}): LossTerm {
  const key = options.groupKey ?? 'group';
  return Object.freeze({
    name: options.name ?? 'mindiff-correlation',
    value(context: LossContext): tfTypes.Scalar {
      const { tf } = context;
      const split = oneVsRest(context.batch, key, options.label);
      if (split.groups.length === 0) return tf.scalar(0);
      const m = split.rows.length;
      const g = split.groups.length;
      const w = tf.tensor2d(split.weights, [1, m]);
      const s = tf.reshape(scoresOf(context, split.rows, options.column), [1, m]);
      const member = tf.tensor2d(split.membership, [g, m]);
      const sc = tf.sub(s, tf.sum(tf.mul(w, s)));
      const mc = tf.sub(member, tf.sum(tf.mul(w, member), 1, true));
      const cov = tf.sum(tf.mul(w, tf.mul(mc, sc)), 1);
      const varS = tf.sum(tf.mul(w, tf.square(sc)));
      const varM = tf.sum(tf.mul(w, tf.square(mc)), 1);
      const corr = tf.div(cov, tf.sqrt(tf.add(tf.mul(varM, varS), 1e-12)));
      return tf.mean(tf.abs(corr)) as tfTypes.Scalar;
    },
  });
}

/** Which MinDiff penalty: the Gaussian-kernel MMD (default) or the absolute correlation. */
export type MinDiffKind = 'mmd' | 'correlation';

/** The MinDiff penalty of the given kind (see {@link minDiffMmd}, {@link minDiffAbsCorrelation}). */
export function minDiffPenalty(kind: MinDiffKind, options: MinDiffMmdOptions = {}): LossTerm {
  return kind === 'mmd' ? minDiffMmd(options) : minDiffAbsCorrelation(options);
}
