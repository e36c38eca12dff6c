import { GlassboxError } from '../errors.js';
import { isTrainable } from '../model/capabilities.js';
import type { Trainable } from '../model/capabilities.js';
import type { Model } from '../model/model.js';
import { tf } from '../model/tfjs/backend.js';
import { checkTrainingData, gatherBatch } from './batches.js';
import { composedLoss, lossContext, readParts } from './step.js';
import type { Loss, LossParts, TrainingData } from './types.js';

/**
 * The composed loss on `data` as one batch (inference mode) and its gradient with respect to every
 * trainable parameter, by name: what one full-batch optimizer step would use. For checks against
 * finite differences and for methods that need weight gradients (influence, TracIn…).
 */
export async function parameterGradients(model: Model & Trainable, data: TrainingData, loss: Loss): Promise<{ parts: LossParts; gradients: Map<string, Float32Array> }> {
  if (!isTrainable(model)) throw new GlassboxError('missing_capability', 'parameterGradients: the model is not Trainable', { hint: 'Use a TF.js LayersModel or loadTrainableOnnx.' });
  checkTrainingData(data, model.task, model.task === 'regression' ? 1 : model.outputWidth);
  const graph = await model.trainingGraph();
  try {
    const n = data.x.shape[0] ?? 0;
    const batch = gatherBatch(data, Int32Array.from({ length: n }, (_, i) => i));
    let parts: tf.Scalar[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const result = composedLoss(tf, loss, lossContext(tf, model.task, graph.logits(tf.tensor(batch.x, [...batch.shape])), batch));
      parts = result.parts;
      return result.total;
    }, graph.parameters.map((p) => p.variable));
    value.dispose();
    const gradients = new Map<string, Float32Array>();
    for (const p of graph.parameters) {
      const g = grads[p.variable.name];
      gradients.set(p.name, g ? Float32Array.from(g.dataSync() as Float32Array) : new Float32Array(p.variable.size));
    }
    tf.dispose(Object.values(grads));
    return { parts: readParts(loss, parts), gradients };
  } finally {
    graph.dispose();
  }
}
