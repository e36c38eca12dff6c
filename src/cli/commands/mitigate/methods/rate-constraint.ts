import { GlassboxError } from '../../../../errors.js';
import { rateConstrainedFineTune, RATE_CONSTRAINT_DEFAULTS } from '../../../../fairness/rate-constraints/fine-tune-rate-constrained.js';
import type { RateConstrainedResult } from '../../../../fairness/rate-constraints/fine-tune-rate-constrained.js';
import { CONSTRAINED_RATES } from '../../../../fairness/rate-constraints/rates.js';
import type { MitigationMetrics } from '../../../../fairness/mitigation-metrics.js';
import { parseChoice, parseList, parseNumberFlag } from '../../../options.js';
import type { MitigationContext, MitigationOutcome } from '../method.js';
import { beforeAfterBlocks, metricsJson } from '../metrics-output.js';
import { loadTrainingInputs } from '../training-inputs.js';
import { fineTuneFlags, groupedRows, heldOutChange, judgeHeldOut, runProgress, thresholdFlag, trainingJson } from '../training-method.js';
import { tradeoffBlocks, tradeoffJson } from '../tradeoff-blocks.js';
import type { GapMetric, TradeoffPoint } from '../tradeoff-blocks.js';

/** --bound when not given: group rates may differ by at most 0.1. */
export const RATE_CONSTRAINT_DEFAULT_BOUND = 0.1;

function boundFlag(flag: string, value: string): number {
  const bound = parseNumberFlag(flag, value, RATE_CONSTRAINT_DEFAULT_BOUND);
  if (!(bound >= 0 && bound < 1)) throw new GlassboxError('invalid_argument', `${flag} must be in [0, 1) (got ${value}).`, { argument: flag, hint: 'e.g. --bound 0.05: group rates may differ by at most 5 points.' });
  return bound;
}

/** Whether the held-out difference meets the bound: as measured, and with the interval's upper end. */
function constraintJson(metrics: MitigationMetrics, gap: GapMetric, bound: number, result: RateConstrainedResult, groups: readonly string[]): Record<string, unknown> {
  const value = metrics[gap];
  return {
    bound,
    heldOutDifference: value,
    interval: metrics.intervals[gap],
    satisfied: value === null ? null : value <= bound,
    satisfiedWithConfidence: Number.isNaN(metrics.intervals[gap].high) ? null : metrics.intervals[gap].high <= bound,
    validation: { ...result.validation, chosenEpoch: result.training.bestEpoch, epochsRun: result.training.epochsRun },
    multipliers: result.multipliers.pairs.map(([g, h], j) => ({ constraint: `${groups[g]} − ${groups[h]} ≤ ${bound}`, value: result.multipliers.values[j] })),
  };
}

/**
 * `--method rate-constraint`: fine-tunes the model so that the rate difference between groups (max − min)
 * is at most --bound, by the proxy-Lagrangian (Cotter et al. 2019), and checks the bound on held-out rows.
 */
export async function rateConstraintMethod(context: MitigationContext): Promise<MitigationOutcome> {
  const { flags } = context;
  const rate = parseChoice('--rate', flags.rate as string | undefined, CONSTRAINED_RATES, 'fpr');
  const proxy = parseChoice('--proxy', flags.proxy as string | undefined, ['hinge', 'sigmoid'] as const, RATE_CONSTRAINT_DEFAULTS.proxy);
  const bound = flags.bound === undefined ? RATE_CONSTRAINT_DEFAULT_BOUND : boundFlag('--bound', flags.bound);
  const initialMultiplier = parseNumberFlag('--lambda', flags.lambda, 0, 0);
  const bounds = flags.bounds === undefined ? [] : parseList(flags.bounds as string).map((b) => boundFlag('--bounds', b));
  const settings = fineTuneFlags(context);
  const threshold = thresholdFlag(context);
  const gap: GapMetric = rate === 'fpr' ? 'fprDifference' : rate === 'tpr' ? 'tprDifference' : 'selectionRateDifference';
  const inputs = await loadTrainingInputs(flags, context.seed);
  const all = [...new Set([...bounds, bound])].sort((a, b) => b - a);
  const progress = runProgress(context, all.length, settings.epochs, (run) => `rate constraint ${rate} difference ≤ ${all[run]}`);
  let kept: RateConstrainedResult | undefined;
  try {
    const before = await judgeHeldOut(inputs.model, inputs.heldOut, threshold, context);
    const points: TradeoffPoint[] = [];
    let after = before;
    for (const [run, b] of all.entries()) {
      const result = await rateConstrainedFineTune(inputs.model, groupedRows(inputs.train), { ...settings, rate, bound: b, threshold, proxy, initialMultiplier, signal: context.signal, onProgress: progress(run) });
      const judged = await judgeHeldOut(result.model, inputs.heldOut, threshold, context);
      points.push({ setting: b, metrics: judged.metrics });
      if (b === bound) {
        kept = result;
        after = judged;
      } else await result.model.dispose?.();
    }
    const result = kept!;
    const change = heldOutChange(inputs.heldOut, before.decisions, after.decisions, context);
    const constraint = constraintJson(after.metrics, gap, bound, result, inputs.heldOut.grouping.labels);
    const verdict = constraint.satisfied === null ? 'cannot be checked (fewer than two groups define the rate)' : constraint.satisfied ? `holds (${(after.metrics[gap] ?? 0).toFixed(3)} ≤ ${bound}${constraint.satisfiedWithConfidence ? ', and so does the 95% upper bound' : `; the 95% upper bound ${after.metrics.intervals[gap].high.toFixed(3)} does not`})` : `is broken (${(after.metrics[gap] ?? 0).toFixed(3)} > ${bound})`;
    return {
      json: {
        ...trainingJson(inputs),
        settings: { rate, bound, proxy, initialMultiplier, multiplierLearningRate: RATE_CONSTRAINT_DEFAULTS.multiplierLearningRate, validationFraction: RATE_CONSTRAINT_DEFAULTS.validationFraction, threshold, ...settings },
        before: metricsJson(before.metrics),
        after: metricsJson(after.metrics),
        change,
        constraint,
        ...(points.length > 1 ? { curve: tradeoffJson(points, 'bound', gap) } : {}),
      },
      blocks: [
        { kind: 'text', markdown: `Rate constraint on **${inputs.protectedName}**: ${rate.toUpperCase()} difference (max − min) ≤ ${bound}, by the proxy-Lagrangian (${proxy} proxies, multipliers by projected ascent on the true rates; iterate chosen on ${result.validation.rows} validation rows split from the training rows, epoch ${result.training.bestEpoch}). On the held-out rows the constraint ${verdict}. Held out: ${inputs.split}.` },
        ...beforeAfterBlocks(before.metrics, after.metrics, `Rate constraint ${rate} ≤ ${bound} on ${inputs.protectedName}: before → after`, change),
        ...(points.length > 1 ? tradeoffBlocks(points, before.metrics, 'bound', gap) : []),
      ],
      saveModel: (path) => result.model.save(path),
      dispose: async () => {
        await result.model.dispose?.();
        await inputs.model.dispose?.();
      },
    };
  } catch (error) {
    await kept?.model.dispose?.();
    await inputs.model.dispose?.();
    throw error;
  }
}
