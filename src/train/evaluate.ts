import type { Task } from '../model/model.js';
import type { TrainingGraph } from '../model/capabilities.js';
import { gatherBatch } from './batches.js';
import { composedLoss, lossContext, meanParts, readParts } from './step.js';
import type { Loss, LossParts, Monitor, TF, TrainingData } from './types.js';

/**
 * The composed loss on `data` in inference mode (no dropout), batch by batch in row order (penalties
 * that compare rows within a batch see the same batches every time), and the probabilities.
 */
export function evaluateLoss(tf: TF, graph: TrainingGraph, loss: Loss, task: Task, data: TrainingData, batchSize: number): { parts: LossParts; probabilities: Float32Array } {
  const n = data.x.shape[0] ?? 0;
  const items: { parts: LossParts; rows: number }[] = [];
  const chunks: Float32Array[] = [];
  for (let start = 0; start < n; start += batchSize) {
    const m = Math.min(batchSize, n - start);
    const rows = new Int32Array(m);
    for (let r = 0; r < m; r++) rows[r] = start + r;
    const batch = gatherBatch(data, rows);
    let parts: ReturnType<typeof composedLoss>['parts'] = [];
    const probs = tf.tidy(() => {
      const logits = graph.logits(tf.tensor(batch.x, [...batch.shape]));
      const context = lossContext(tf, task, logits, batch);
      parts = composedLoss(tf, loss, context).parts;
      return tf.keep(context.probabilities());
    });
    chunks.push(Float32Array.from(probs.dataSync() as Float32Array));
    probs.dispose();
    items.push({ parts: readParts(loss, parts), rows: m });
  }
  const probabilities = new Float32Array(chunks.reduce((s, c) => s + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    probabilities.set(c, offset);
    offset += c.length;
  }
  return { parts: meanParts(items), probabilities };
}

/** The monitored value (lower is better) on validation data. */
export function monitoredValue(monitor: Monitor, evaluation: { parts: LossParts; probabilities: Float32Array }, data: TrainingData): number {
  if (monitor === 'loss') return evaluation.parts.loss;
  if (monitor === 'task-loss') return evaluation.parts.taskLoss;
  return monitor(evaluation.probabilities, data);
}
