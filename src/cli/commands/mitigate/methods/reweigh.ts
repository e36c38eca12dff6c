import { fineTuneClone } from '../../../../fairness/fine-tune.js';
import { reweighing } from '../../../../fairness/reweighing.js';
import type { MitigationContext, MitigationOutcome } from '../method.js';
import { beforeAfterBlocks, metricsJson } from '../metrics-output.js';
import { loadTrainingInputs } from '../training-inputs.js';
import { fineTuneFlags, groupedRows, heldOutChange, judgeHeldOut, runProgress, thresholdFlag, trainingJson } from '../training-method.js';

/**
 * `--method reweigh`: Kamiran–Calders weights W(g, y) = P(g)·P(y) / P(g, y) on the training rows, then the
 * model is fine-tuned with the weighted cross-entropy and compared with the model before on held-out rows.
 */
export async function reweighMethod(context: MitigationContext): Promise<MitigationOutcome> {
  const settings = fineTuneFlags(context);
  const threshold = thresholdFlag(context);
  const inputs = await loadTrainingInputs(context.flags, context.seed);
  try {
    const weights = reweighing(inputs.train.grouping, inputs.train.y);
    const before = await judgeHeldOut(inputs.model, inputs.heldOut, threshold, context);
    const tuned = await fineTuneClone(inputs.model, groupedRows(inputs.train), [], { ...settings, sampleWeights: Float32Array.from(weights.weights), signal: context.signal, onProgress: runProgress(context, 1, settings.epochs, () => 'fine-tuning with reweighing weights')(0) });
    const after = await judgeHeldOut(tuned.model, inputs.heldOut, threshold, context);
    const change = heldOutChange(inputs.heldOut, before.decisions, after.decisions, context);
    return {
      json: {
        ...trainingJson(inputs),
        settings: { threshold, ...settings },
        before: metricsJson(before.metrics),
        after: metricsJson(after.metrics),
        change,
        reweighing: { cells: weights.cells, positiveRate: weights.positiveRate },
      },
      blocks: [
        { kind: 'text', markdown: `Reweighing (Kamiran & Calders 2012) on **${inputs.protectedName}**: each training row weighted by P(group)·P(label) / P(group, label), then fine-tuned ${settings.epochs} epochs with the weighted cross-entropy. Held out: ${inputs.split}.` },
        { kind: 'table', caption: 'Weights per group and label (training rows)', columns: ['group', 'label', 'n', 'weight'], rows: weights.cells.map((c) => [c.group, c.label, c.n, c.weight]) },
        ...beforeAfterBlocks(before.metrics, after.metrics, `Reweighing on ${inputs.protectedName}: before → after`, change),
      ],
      saveModel: (path) => tuned.model.save(path),
      dispose: async () => {
        await tuned.model.dispose?.();
        await inputs.model.dispose?.();
      },
    };
  } catch (error) {
    await inputs.model.dispose?.();
    throw error;
  }
}
