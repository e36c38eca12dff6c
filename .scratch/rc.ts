import { loadTrainingInputs } from '../src/cli/commands/mitigate/training-inputs.js';
import { rateConstrainedFineTune } from '../src/fairness/rate-constraints/fine-tune-rate-constrained.js';
import { positiveScores, decide } from '../src/fairness/fine-tune.js';
import { mitigationMetrics } from '../src/fairness/mitigation-metrics.js';

const inputs = await loadTrainingInputs({ demo: 'credit', protected: 'age_group' } as never, 0);
const h = inputs.heldOut;
const evalM = async (m: typeof inputs.model) => {
  const d = decide(await positiveScores(m, h.x), 0.5);
  const r = mitigationMetrics(h.grouping, h.y, d, { seed: 0 });
  return `acc ${r.accuracy.toFixed(4)} fpr ${r.fprDifference?.toFixed(3)} [${r.intervals.fprDifference.low.toFixed(3)},${r.intervals.fprDifference.high.toFixed(3)}] tpr ${r.tprDifference?.toFixed(3)} sel ${r.selectionRateDifference?.toFixed(3)}`;
};
console.log('before', await evalM(inputs.model));
for (const bound of (process.env.BOUND ?? '0.1,0.05').split(',').map(Number)) {
  const t0 = Date.now();
  const r = await rateConstrainedFineTune(inputs.model, { x: inputs.train.x, y: inputs.train.y, groups: inputs.train.grouping.codes }, { rate: 'fpr', bound, seed: 0, proxy: (process.env.P ?? 'hinge') as 'hinge', ...(process.env.ETA ? { multiplierLearningRate: Number(process.env.ETA) } : {}) });
  console.log(`bound=${bound}`, await evalM(r.model), JSON.stringify(r.validation), r.training.bestEpoch, r.multipliers.values.map((v) => v.toFixed(2)).join(' '), `${Date.now() - t0}ms`);
}
