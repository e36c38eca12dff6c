import { GlassboxError } from '../../../errors.js';
import { decide, FINE_TUNE_DEFAULTS, positiveScores } from '../../../fairness/fine-tune.js';
import type { FineTuneOptions, GroupedRows } from '../../../fairness/fine-tune.js';
import { mitigationMetrics } from '../../../fairness/mitigation-metrics.js';
import type { MitigationMetrics } from '../../../fairness/mitigation-metrics.js';
import { mitigationChange } from '../../../fairness/mitigation-change.js';
import type { MetricChange, MitigationMetricName } from '../../../fairness/mitigation-change.js';
import type { Model } from '../../../model/model.js';
import { parseNumberFlag, positiveFlag } from '../../options.js';
import type { MitigationContext } from './method.js';
import type { LabelledRows, TrainingInputs } from './training-inputs.js';

/** Fine-tuning settings from --epochs, --batch-size and --learning-rate (defaults FINE_TUNE_DEFAULTS). */
export function fineTuneFlags(context: MitigationContext): Required<Pick<FineTuneOptions, 'epochs' | 'batchSize' | 'learningRate' | 'seed'>> {
  const { flags } = context;
  const learningRate = parseNumberFlag('--learning-rate', flags.learningRate as string | undefined, FINE_TUNE_DEFAULTS.learningRate, 0);
  if (!(learningRate > 0)) throw new GlassboxError('invalid_argument', `--learning-rate must be > 0 (got ${learningRate}).`, { argument: '--learning-rate', hint: 'e.g. --learning-rate 0.002' });
  return {
    epochs: positiveFlag('--epochs', flags.epochs as string | undefined, FINE_TUNE_DEFAULTS.epochs),
    batchSize: positiveFlag('--batch-size', flags.batchSize as string | undefined, FINE_TUNE_DEFAULTS.batchSize),
    learningRate,
    seed: context.seed,
  };
}

/** --threshold: decisions are score ≥ t. */
export function thresholdFlag(context: MitigationContext): number {
  const t = parseNumberFlag('--threshold', context.flags.threshold, 0.5);
  if (!(t > 0 && t < 1)) throw new GlassboxError('invalid_argument', `--threshold must be in (0, 1) for a fine-tuned classifier (got ${t}).`, { argument: '--threshold', hint: 'e.g. --threshold 0.5' });
  return t;
}

export function groupedRows(rows: LabelledRows): GroupedRows {
  return { x: rows.x, y: rows.y, groups: rows.grouping.codes };
}

/** A model's decisions on the held-out rows and their four metrics with intervals. */
export async function judgeHeldOut(model: Model, rows: LabelledRows, threshold: number, context: MitigationContext): Promise<{ metrics: MitigationMetrics; decisions: Uint8Array }> {
  const decisions = decide(await positiveScores(model, rows.x, context.signal), threshold);
  return { metrics: mitigationMetrics(rows.grouping, rows.y, decisions, { seed: context.seed, signal: context.signal }), decisions };
}

/** after − before of the four metrics on the held-out rows, with paired bootstrap intervals. */
export function heldOutChange(rows: LabelledRows, before: Uint8Array, after: Uint8Array, context: MitigationContext): Record<MitigationMetricName, MetricChange> {
  return mitigationChange(rows.grouping, rows.y, before, after, { seed: context.seed, signal: context.signal });
}

/** Progress of several fine-tuning runs of `epochs` each, as one bar. */
export function runProgress(context: MitigationContext, runs: number, epochs: number, label: (run: number) => string): (run: number) => FineTuneOptions['onProgress'] {
  return (run) => (p) => {
    if (p.kind === 'epoch') context.progress.update(run * epochs + p.epoch, runs * epochs, label(run));
  };
}

/** The JSON fields every training method shares: the protected attribute, the rows, how they were split. */
export function trainingJson(inputs: TrainingInputs): Record<string, unknown> {
  return {
    protected: inputs.protectedName,
    data: inputs.describe.data,
    model: inputs.describe.model,
    groups: inputs.heldOut.grouping.labels,
    trainRows: inputs.train.y.length,
    heldOut: { rows: inputs.heldOut.y.length, how: inputs.split, rowIds: Array.from(inputs.heldOut.rowIds) },
  };
}
