import { loadTrainingInputs } from '../src/cli/commands/mitigate/training-inputs.js';
import { minDiffFineTune } from '../src/fairness/mindiff/fine-tune-mindiff.js';
import { positiveScores, decide } from '../src/fairness/fine-tune.js';
import { mitigationMetrics } from '../src/fairness/mitigation-metrics.js';

const inputs = await loadTrainingInputs({ demo: 'credit', protected: 'age_group' } as never, 0);
const h = inputs.heldOut;
const evalM = async (m: typeof inputs.model) => {
  const d = decide(await positiveScores(m, h.x), 0.5);
  const r = mitigationMetrics(h.grouping, h.y, d, { seed: 0 });
  return `acc ${r.accuracy.toFixed(4)} fpr ${r.fprDifference?.toFixed(3)} tpr ${r.tprDifference?.toFixed(3)} sel ${r.selectionRateDifference?.toFixed(3)}`;
};
console.log('before', await evalM(inputs.model));
const lambdas = (process.env.L ?? '0,1,3,10').split(',').map(Number);
const epochs = Number(process.env.E ?? 10);
const kind = (process.env.K ?? 'mmd') as 'mmd';
for (const lambda of lambdas) {
  const t0 = Date.now();
  const { model } = await minDiffFineTune(inputs.model, { x: inputs.train.x, y: inputs.train.y, groups: inputs.train.grouping.codes }, { lambda, epochs, kind, seed: 0, ...(process.env.LR ? { learningRate: Number(process.env.LR) } : {}), ...(process.env.B ? { batchSize: Number(process.env.B) } : {}) });
  console.log(`λ=${lambda}`, await evalM(model), `${Date.now() - t0}ms`);
}
