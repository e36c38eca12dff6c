import { GlassboxError, throwIfAborted } from '../errors.js';
import { isTrainable } from '../model/capabilities.js';
import type { Trainable, TrainingGraph } from '../model/capabilities.js';
import type { Model } from '../model/model.js';
import { tf } from '../model/tfjs/backend.js';
import { Rng } from '../rng.js';
import { checkTrainingData, gatherBatch, splitRows, subset } from './batches.js';
import { evaluateLoss, monitoredValue } from './evaluate.js';
import { createOptimizer, resolveOptimizer } from './optimizers.js';
import { meanParts, trainStep } from './step.js';
import { graphLossGradients } from './transforms.js';
import type { EpochRecord, TrainingOptions, TrainingResult, Loss, LossParts, TrainingData } from './types.js';

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!(Number.isInteger(v) && v >= 1)) throw new GlassboxError('invalid_argument', `fit: ${name} must be a positive integer (got ${v})`, { argument: name, hint: `Use e.g. ${fallback}.` });
  return v;
}

function snapshot(graph: TrainingGraph): Float32Array[] {
  return graph.parameters.map((p) => Float32Array.from(p.variable.dataSync() as Float32Array));
}

function restore(graph: TrainingGraph, values: readonly Float32Array[]): void {
  graph.parameters.forEach((p, i) => {
    const t = tf.tensor(values[i]!, p.variable.shape);
    p.variable.assign(t);
    t.dispose();
  });
}

/** Checks the masks against the graph's parameters; returns them as tensors in parameter order. */
function maskTensors(graph: TrainingGraph, masks: ReadonlyMap<string, Float32Array> | undefined): (tf.Tensor | undefined)[] {
  if (!masks) return [];
  const names = new Set(graph.parameters.map((p) => p.name));
  for (const name of masks.keys()) {
    if (!names.has(name)) throw new GlassboxError('invalid_argument', `fit: mask for '${name}', which is not a trainable parameter`, { argument: 'masks', hint: `Trainable parameters: ${[...names].slice(0, 20).join(', ')}` });
  }
  return graph.parameters.map((p) => {
    const m = masks.get(p.name);
    if (!m) return undefined;
    if (m.length !== p.variable.size) throw new GlassboxError('shape_mismatch', `fit: mask for '${p.name}' has ${m.length} values, the parameter ${p.variable.size}`, { argument: 'masks', hint: 'Give one 0/1 value per weight.' });
    return tf.tensor(m, p.variable.shape);
  });
}

function applyMasks(graph: TrainingGraph, masks: readonly (tf.Tensor | undefined)[]): void {
  masks.forEach((m, i) => {
    if (!m) return;
    const v = graph.parameters[i]!.variable;
    tf.tidy(() => v.assign(tf.where(tf.greater(m, 0), v, tf.zerosLike(v))));
  });
}

function splitData(data: TrainingData, options: TrainingOptions, seed: number): { train: TrainingData; validation?: TrainingData } {
  const v = options.validation;
  if (!v) {
    if (options.earlyStopping) throw new GlassboxError('invalid_argument', 'fit: earlyStopping needs validation rows', { argument: 'earlyStopping', hint: 'Add validation: { fraction: 0.1 } or validation: { data }.' });
    return { train: data };
  }
  if ('data' in v) return { train: data, validation: v.data };
  const { train, validation } = splitRows(data.x.shape[0] ?? 0, v.fraction, seed);
  return { train: subset(data, train), validation: subset(data, validation) };
}

/**
 * Trains (fine-tunes) a Trainable model in place on `data` with the composed `loss`: seeded shuffled
 * mini-batches, Adam or SGD with momentum, an optional batch transform before each step, and optional
 * early stopping on validation rows (patience, restore best). Same model, data, loss and seed give
 * the same weights, byte for byte. On cancellation or error the model's weights are put back as they
 * were, and nothing partial is returned.
 */
export async function fit(model: Model & Trainable, data: TrainingData, loss: Loss, options: TrainingOptions = {}): Promise<TrainingResult> {
  if (!isTrainable(model)) {
    throw new GlassboxError('missing_capability', 'fit: the model cannot be trained by glassbox (it is not Trainable)', { hint: 'Use a TF.js LayersModel, or an ONNX file loaded with loadTrainableOnnx.' });
  }
  const classes = model.task === 'regression' ? 1 : model.outputWidth;
  checkTrainingData(data, model.task, classes);
  if (options.validation && 'data' in options.validation) checkTrainingData(options.validation.data, model.task, classes, 'validation.data');
  const epochs = positiveInt(options.epochs, 10, 'epochs');
  const batchSize = positiveInt(options.batchSize, 32, 'batchSize');
  const seed = options.seed ?? 0;
  const optimizerSpec = resolveOptimizer(options.optimizer);
  const patience = positiveInt(options.earlyStopping?.patience, 3, 'earlyStopping.patience');
  const minDelta = options.earlyStopping?.minDelta ?? 0;
  const restoreBest = options.earlyStopping?.restoreBest ?? true;
  const monitor = options.monitor ?? 'loss';
  const { train, validation } = splitData(data, options, seed);
  const n = train.x.shape[0] ?? 0;
  const root = new Rng(seed);
  const shuffleRng = root.fork();
  const dropoutRng = options.dropout === false ? undefined : root.fork();
  const transformRng = root.fork();
  const batches = Math.ceil(n / batchSize);

  const graph = await model.trainingGraph();
  const initial = snapshot(graph);
  let masks: (tf.Tensor | undefined)[] = [];
  try {
    masks = maskTensors(graph, options.masks);
  } catch (error) {
    graph.dispose();
    throw error;
  }
  const optimizer = createOptimizer(tf, optimizerSpec);
  const history: EpochRecord[] = [];
  let best = { value: Infinity, epoch: 0, weights: undefined as Float32Array[] | undefined };
  let stoppedEarly = false;
  let step = 0;
  try {
    applyMasks(graph, masks);
    for (let epoch = 1; epoch <= epochs && !stoppedEarly; epoch++) {
      const order = shuffleRng.permutation(n);
      const items: { parts: LossParts; rows: number }[] = [];
      for (let b = 0; b < batches; b++) {
        throwIfAborted(options.signal);
        let batch = gatherBatch(train, order.subarray(b * batchSize, Math.min(n, (b + 1) * batchSize)));
        if (options.transform) {
          const lossGradients = (x: Float32Array, shape: readonly number[], labels: Float32Array) => graphLossGradients(tf, graph, model.task, x, shape, labels);
          batch = await options.transform(batch, { tf, graph, task: model.task, epoch, step, rng: transformRng, lossGradients });
        }
        const parts = trainStep(tf, graph, optimizer, loss, model.task, batch, dropoutRng);
        applyMasks(graph, masks);
        if (!Number.isFinite(parts.loss)) {
          throw new GlassboxError('not_converged', `fit: the loss became ${parts.loss} at epoch ${epoch}, batch ${b + 1}`, { hint: 'Lower the learning rate or the penalty weights λ.' });
        }
        items.push({ parts, rows: batch.y.length });
        step++;
        options.onProgress?.({ kind: 'batch', epoch, epochs, batch: b + 1, batches, ...parts });
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const parts = meanParts(items);
      let value: number | undefined;
      if (validation) {
        value = monitoredValue(monitor, evaluateLoss(tf, graph, loss, model.task, validation, batchSize), validation);
        if (value < best.value - minDelta) best = { value, epoch, weights: restoreBest ? snapshot(graph) : undefined };
        else if (options.earlyStopping && epoch - best.epoch >= patience) stoppedEarly = true;
      }
      history.push({ epoch, ...parts, ...(value !== undefined ? { validation: value } : {}) });
      options.onProgress?.({ kind: 'epoch', epoch, epochs, batch: batches, batches, ...parts, ...(value !== undefined ? { validation: value } : {}) });
    }
    const keepBest = options.earlyStopping !== undefined && restoreBest && best.weights !== undefined && best.epoch !== history.length;
    if (keepBest) restore(graph, best.weights!);
    await graph.commit();
    return {
      history,
      epochsRun: history.length,
      bestEpoch: options.earlyStopping && restoreBest && best.epoch > 0 ? best.epoch : history.length,
      stoppedEarly,
      trainRows: n,
      validationRows: validation?.x.shape[0] ?? 0,
      seed,
      optimizer: optimizerSpec,
    };
  } catch (error) {
    restore(graph, initial);
    await graph.commit();
    throw error;
  } finally {
    tf.dispose(masks.filter((m): m is tf.Tensor => m !== undefined));
    optimizer.dispose();
    graph.dispose();
  }
}
