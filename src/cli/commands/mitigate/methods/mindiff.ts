import { GlassboxError } from '../../../../errors.js';
import { minDiffFineTune } from '../../../../fairness/mindiff/fine-tune-mindiff.js';
import { MINDIFF_DEFAULT_BANDWIDTH } from '../../../../fairness/mindiff/penalties.js';
import type { Trainable } from '../../../../model/capabilities.js';
import type { Model } from '../../../../model/model.js';
import { parseChoice, parseList, parseNumberFlag } from '../../../options.js';
import type { MitigationContext, MitigationOutcome } from '../method.js';
import { beforeAfterBlocks, metricsJson } from '../metrics-output.js';
import { loadTrainingInputs } from '../training-inputs.js';
import { fineTuneFlags, groupedRows, heldOutChange, judgeHeldOut, runProgress, thresholdFlag, trainingJson } from '../training-method.js';
import { tradeoffBlocks, tradeoffJson } from '../tradeoff-blocks.js';
import type { GapMetric, TradeoffPoint } from '../tradeoff-blocks.js';

/** λ when --lambda is not given: halves the credit demo's FPR gap on age_group at about one accuracy point (docs/mitigation.md). */
export const MINDIFF_DEFAULT_LAMBDA = 10;
/** λ values of the trade-off curve when --lambdas is not given. */
export const MINDIFF_DEFAULT_CURVE = [0, 3, 10, 30] as const;

function lambdaFlag(value: string, flag: string): number {
  const lambda = parseNumberFlag(flag, value, MINDIFF_DEFAULT_LAMBDA, 0);
  if (!Number.isFinite(lambda)) throw new GlassboxError('invalid_argument', `${flag} must be a finite number ≥ 0 (got ${value}).`, { argument: flag, hint: 'e.g. --lambda 10' });
  return lambda;
}

/**
 * `--method mindiff`: fine-tunes the model with cross-entropy + λ·MinDiff (Prost et al. 2019) on the
 * training rows, once per λ of the curve, and compares each with the model before on the held-out rows.
 */
export async function mindiffMethod(context: MitigationContext): Promise<MitigationOutcome> {
  const { flags } = context;
  const lambda = flags.lambda === undefined ? MINDIFF_DEFAULT_LAMBDA : lambdaFlag(flags.lambda, '--lambda');
  const kind = parseChoice('--penalty', flags.penalty as string | undefined, ['mmd', 'correlation'] as const, 'mmd');
  const on = parseChoice('--on', flags.on as string | undefined, ['negatives', 'positives', 'all'] as const, 'negatives');
  const curveFlag = flags.lambdas as string | undefined;
  const curve = curveFlag === 'none' ? [] : curveFlag === undefined ? [...MINDIFF_DEFAULT_CURVE] : parseList(curveFlag).map((v) => lambdaFlag(v, '--lambdas'));
  const settings = fineTuneFlags(context);
  const threshold = thresholdFlag(context);
  const label = on === 'negatives' ? 0 : on === 'positives' ? 1 : 'all';
  const gap: GapMetric = on === 'negatives' ? 'fprDifference' : on === 'positives' ? 'tprDifference' : 'selectionRateDifference';
  const inputs = await loadTrainingInputs(flags, context.seed);
  const lambdas = [...new Set([...curve, lambda])].sort((a, b) => a - b);
  const progress = runProgress(context, lambdas.length, settings.epochs, (run) => `MinDiff λ = ${lambdas[run]}`);
  let kept: (Model & Trainable) | undefined;
  try {
    const before = await judgeHeldOut(inputs.model, inputs.heldOut, threshold, context);
    const points: TradeoffPoint[] = [];
    let after = before;
    let epochsRun = 0;
    for (const [run, l] of lambdas.entries()) {
      const tuned = await minDiffFineTune(inputs.model, groupedRows(inputs.train), { ...settings, lambda: l, kind, label, signal: context.signal, onProgress: progress(run) });
      const judged = await judgeHeldOut(tuned.model, inputs.heldOut, threshold, context);
      points.push({ setting: l, metrics: judged.metrics });
      if (l === lambda) {
        kept = tuned.model;
        after = judged;
        epochsRun = tuned.training.epochsRun;
      } else await tuned.model.dispose?.();
    }
    const model = kept!;
    const change = heldOutChange(inputs.heldOut, before.decisions, after.decisions, context);
    const target = on === 'negatives' ? 'FPR' : on === 'positives' ? 'TPR' : 'selection rate';
    return {
      json: {
        ...trainingJson(inputs),
        settings: { lambda, penalty: kind, on, bandwidth: kind === 'mmd' ? MINDIFF_DEFAULT_BANDWIDTH : null, threshold, ...settings, epochsRun },
        before: metricsJson(before.metrics),
        after: metricsJson(after.metrics),
        change,
        curve: tradeoffJson(points, 'lambda', gap),
      },
      blocks: [
        { kind: 'text', markdown: `MinDiff (${kind === 'mmd' ? 'Gaussian-kernel MMD' : 'absolute correlation'} between each group's scores and the rest's, on the ${on === 'all' ? 'rows' : on}: the ${target} gap) on **${inputs.protectedName}**, λ = ${lambda}; fine-tuned ${settings.epochs} epochs (Adam ${settings.learningRate}, batch ${settings.batchSize}, seed ${context.seed}) on ${inputs.train.y.length} training rows. Held out: ${inputs.split}.` },
        ...beforeAfterBlocks(before.metrics, after.metrics, `MinDiff λ = ${lambda} on ${inputs.protectedName}: before → after`, change),
        ...(points.length > 1 ? tradeoffBlocks(points, before.metrics, 'λ', gap) : []),
      ],
      saveModel: (path) => model.save(path),
      dispose: async () => {
        await model.dispose?.();
        await inputs.model.dispose?.();
      },
    };
  } catch (error) {
    await kept?.dispose?.();
    await inputs.model.dispose?.();
    throw error;
  }
}
