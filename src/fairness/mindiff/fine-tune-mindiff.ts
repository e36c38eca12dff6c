import type { Trainable } from '../../model/capabilities.js';
import type { Model } from '../../model/model.js';
import type { TrainingResult } from '../../train/types.js';
import { fineTuneClone, GROUP_KEY } from '../fine-tune.js';
import type { FineTuneOptions, GroupedRows } from '../fine-tune.js';
import { minDiffPenalty } from './penalties.js';
import type { MinDiffKind } from './penalties.js';

export interface MinDiffFineTuneOptions extends FineTuneOptions {
  /** λ, the weight of the penalty beside the cross-entropy. */
  readonly lambda: number;
  /** 'mmd' (default) or 'correlation'. */
  readonly kind?: MinDiffKind;
  /** Rows compared: 0 = negatives (FPR, default), 1 = positives (TPR), 'all' = every row (selection rate). */
  readonly label?: 0 | 1 | 'all';
  /** Gaussian kernel σ for 'mmd' (default MINDIFF_DEFAULT_BANDWIDTH). */
  readonly bandwidth?: number;
}

/**
 * MinDiff (Prost et al. 2019; TF Model Remediation): fine-tunes a clone of `model` with cross-entropy +
 * λ·MinDiff penalty between the groups' score distributions on the rows with the given label.
 */
export async function minDiffFineTune(model: Model & Trainable, rows: GroupedRows, options: MinDiffFineTuneOptions): Promise<{ model: Model & Trainable; training: TrainingResult }> {
  const label = options.label ?? 0;
  const term = minDiffPenalty(options.kind ?? 'mmd', { groupKey: GROUP_KEY, ...(label === 'all' ? {} : { label }), ...(options.bandwidth !== undefined ? { bandwidth: options.bandwidth } : {}) });
  return fineTuneClone(model, rows, [{ term, lambda: options.lambda }], options);
}
