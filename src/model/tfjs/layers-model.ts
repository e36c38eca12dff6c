import * as tf from './tfjs-api.js';
import type { io } from './tfjs-api.js';
import { GlassboxError, throwIfAborted } from '../../errors.js';
import { Rng } from '../../rng.js';
import type { Differentiable, GradientTarget, LossGradientOptions, LossGradients, NamedWeights, Stochastic, Trainable, TrainingGraph } from '../capabilities.js';
import { checkLossLabels } from '../loss-gradients.js';
import type { InputSpec, Model, PredictOptions, Task } from '../model.js';
import type { Tensor } from '../tensor.js';
import { concatFloat32, rowSize, sliceRows } from '../tensor.js';
import { batchedLayerGradients } from './layer-gradients.js';
import { fileSaveHandler } from './file-io.js';
import type { SaveWeightOptions } from './file-io.js';
import { executeLayers, hasDropout, unknownLayer } from './graph-exec.js';
import { classOutputs, detectHead, inferTask, perRowLoss, rawLogits } from './head.js';
import { tfjsLossGradients } from './loss-gradients.js';
import type { Head } from './head.js';
import { reinitializeWeights } from './init.js';
import { fitLayersModel } from './train.js';
import type { FitOptions } from './train.js';
import { checkInput, checkTargets, selectTargets } from './targets.js';

export interface TfjsModelOptions {
  /** Class labels in output order; read from the saved metadata, else "0", "1", …. */
  readonly classes?: readonly string[];
  /** Overrides head detection: the raw output is `logits` or already `probabilities`. */
  readonly outputKind?: 'logits' | 'probabilities';
  /** Rows per forward pass (default 256). */
  readonly batchSize?: number;
  /** Free-form description stored with the model. */
  readonly description?: string;
}

/** What glassbox stores in model.json's userDefinedMetadata. */
export interface TfjsGlassboxMetadata {
  readonly task: Task;
  readonly classes: readonly string[];
  readonly outputKind?: 'logits' | 'probabilities';
  readonly description?: string;
  readonly [key: string]: unknown;
}

type OutputMode = 'logits' | 'probabilities';

/**
 * A TF.js LayersModel as a glassbox Model: predictions as class probabilities, input gradients and
 * gradients w.r.t. any layer (`tf.grad` over a layer-by-layer walk), activations, seeded training
 * with sample weights, and seeded MC-dropout sampling (Gal & Ghahramani, 2016) when the model has
 * Dropout layers. All batch work is bounded by `batchSize`.
 */
export class TfjsLayersModel implements Model, Differentiable, Trainable {
  readonly task: Task;
  readonly classes: readonly string[];
  readonly inputSpec: InputSpec;
  readonly outputWidth: number;
  readonly layerNames: readonly string[];
  readonly head: Head;
  readonly batchSize: number;
  readonly description: string | undefined;
  /** Present only when the model has Dropout layers (so `isStochastic` is true only then). */
  readonly sample?: Stochastic['sample'];

  constructor(
    readonly model: tf.LayersModel,
    private readonly options: TfjsModelOptions = {},
  ) {
    const meta = readMetadata(model);
    this.head = detectHead(model, options.outputKind ?? meta?.outputKind);
    const { task, classes } = inferTask(this.head, options.classes ?? meta?.classes);
    this.task = task;
    this.classes = Object.freeze(classes);
    this.outputWidth = task === 'regression' ? 1 : classes.length;
    const input = model.inputs[0]!;
    this.inputSpec = Object.freeze({ name: input.name, shape: Object.freeze([null, ...input.shape.slice(1)]), dtype: 'float32' as const });
    this.layerNames = Object.freeze(model.layers.filter((l) => l.getClassName() !== 'InputLayer').map((l) => l.name));
    this.batchSize = options.batchSize ?? 256;
    this.description = options.description ?? meta?.description;
    if (hasDropout(model)) this.sample = (x, samples, seed) => this.mcDropout(x, samples, seed);
  }

  async predict(x: Tensor, options: PredictOptions = {}): Promise<Float32Array> {
    return this.outputs(x, 'probabilities', options.signal);
  }

  /** Logits (pre-softmax; [0, z] for a single sigmoid unit), one column per class. */
  async logits(x: Tensor, options: PredictOptions = {}): Promise<Float32Array> {
    return this.outputs(x, 'logits', options.signal);
  }

  private outputs(x: Tensor, mode: OutputMode, signal?: AbortSignal, dropoutRng?: Rng): Float32Array {
    checkInput(this, x);
    const n = x.shape[0]!;
    const out = new Float32Array(n * this.outputWidth);
    for (let start = 0; start < n; start += this.batchSize) {
      throwIfAborted(signal);
      const batch = sliceRows(x, start, Math.min(n, start + this.batchSize));
      const values = tf.tidy(() => classOutputs(this.model, this.head, tf.tensor(batch.data, [...batch.shape]), mode, dropoutRng ? { dropoutRng } : {}).dataSync());
      out.set(values, start * this.outputWidth);
    }
    return out;
  }

  async inputGradients(x: Tensor, target: GradientTarget, options: { output?: OutputMode; signal?: AbortSignal } = {}): Promise<Float32Array> {
    checkInput(this, x);
    const n = x.shape[0]!;
    checkTargets(this, target, n);
    const mode = options.output ?? 'logits';
    const size = rowSize(x.shape);
    const out = new Float32Array(n * size);
    for (let start = 0; start < n; start += this.batchSize) {
      throwIfAborted(options.signal);
      const end = Math.min(n, start + this.batchSize);
      const batch = sliceRows(x, start, end);
      const values = tf.tidy(() => {
        const f = (input: tf.Tensor): tf.Tensor => selectTargets(classOutputs(this.model, this.head, input, mode), target, start, end);
        return tf.grad(f)(tf.tensor(batch.data, [...batch.shape])).dataSync();
      });
      out.set(values, start * size);
    }
    return out;
  }

  /**
   * ∂ CE_i / ∂ x_i per row with tf.grad, plus the per-row loss and probabilities: the cross-entropy of
   * the raw logits (stable log-softmax; softplus for one sigmoid unit), or −log p_y (p clipped to
   * [1e-7, 1 − 1e-7]) when the model's last layer outputs probabilities the head cannot undo.
   */
  async lossGradients(x: Tensor, labels: Int32Array, options: LossGradientOptions = {}): Promise<LossGradients> {
    checkInput(this, x);
    const n = x.shape[0]!;
    checkLossLabels(this.task, labels, n, this.outputWidth, 'tfjs model', options.loss);
    const size = rowSize(x.shape);
    const gradient = new Float32Array(n * size);
    const loss = new Float32Array(n);
    const probabilities = new Float32Array(n * this.outputWidth);
    for (let start = 0; start < n; start += this.batchSize) {
      throwIfAborted(options.signal);
      const end = Math.min(n, start + this.batchSize);
      const batch = sliceRows(x, start, end);
      const y = Float32Array.from(labels.subarray(start, end));
      const xt = tf.tensor(batch.data, [...batch.shape]);
      const [g, l, p] = tfjsLossGradients(tf, xt, (input) => perRowLoss(this.head, rawLogits(this.model, this.head, input), tf.tensor1d(y), this.task), (input) => classOutputs(this.model, this.head, input, 'probabilities'));
      gradient.set(g.dataSync(), start * size);
      loss.set(l.dataSync(), start);
      probabilities.set(p.dataSync(), start * this.outputWidth);
      tf.dispose([xt, g, l, p]);
    }
    return { gradient, loss, probabilities };
  }

  async activations(x: Tensor, names: readonly string[]): Promise<Record<string, Tensor>> {
    checkInput(this, x);
    for (const name of names) if (!this.layerNames.includes(name)) throw unknownLayer(this.model, name);
    const n = x.shape[0]!;
    const parts: Float32Array[][] = names.map(() => []);
    const shapes: number[][] = [];
    for (let start = 0; start < n; start += this.batchSize) {
      const batch = sliceRows(x, start, Math.min(n, start + this.batchSize));
      const captured = tf.tidy(() => executeLayers(this.model, tf.tensor(batch.data, [...batch.shape]), { capture: names }).captured.slice());
      captured.forEach((t, k) => {
        parts[k]!.push(Float32Array.from(t.dataSync()));
        shapes[k] = t.shape.slice(1);
      });
      tf.dispose(captured);
    }
    const result: Record<string, Tensor> = {};
    names.forEach((name, k) => (result[name] = { data: concatFloat32(parts[k]!), shape: [n, ...(shapes[k] ?? [])] }));
    return result;
  }

  async layerGradients(x: Tensor, layer: string, target: GradientTarget, options: { output?: OutputMode } = {}): Promise<{ activation: Tensor; gradient: Tensor }> {
    checkInput(this, x);
    if (!this.layerNames.includes(layer)) throw unknownLayer(this.model, layer);
    checkTargets(this, target, x.shape[0]!);
    const mode = options.output ?? 'logits';
    return batchedLayerGradients(x, this.batchSize, (input, start, end) => ({
      activation: executeLayers(this.model, input, { capture: [layer] }).captured[0]!,
      outputsGiven: (value) => selectTargets(classOutputs(this.model, this.head, input, mode, { override: { layer, value } }), target, start, end),
    }));
  }

  private async mcDropout(x: Tensor, samples: number, seed: number): Promise<Float32Array> {
    if (!Number.isInteger(samples) || samples < 1) {
      throw new GlassboxError('invalid_argument', `sample: samples must be a positive integer (got ${samples})`, { argument: 'samples', hint: 'Use e.g. 30 MC-dropout passes.' });
    }
    const rng = new Rng(seed);
    const rows = x.shape[0]! * this.outputWidth;
    const out = new Float32Array(samples * rows);
    for (let s = 0; s < samples; s++) out.set(this.outputs(x, 'probabilities', undefined, rng), s * rows);
    return out;
  }

  /**
   * An independent copy with the same weights, or freshly initialised from `seed` when
   * `reinitialize` is set (for retraining from scratch, e.g. the data-randomisation sanity check).
   */
  async clone(options: { reinitialize?: boolean; seed?: number } = {}): Promise<TfjsLayersModel> {
    let artifacts: io.ModelArtifacts | undefined;
    await this.model.save(tf.io.withSaveHandler((a) => {
      artifacts = a;
      return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } });
    }));
    const copy = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    if (options.reinitialize) reinitializeWeights(copy, options.seed ?? 0);
    return new TfjsLayersModel(copy, { ...this.options, classes: this.classes });
  }

  /** Trains in place (seeded Adam; labels are class indices). See train.ts for the options. */
  async fit(x: Tensor, y: Float32Array, options: FitOptions = {}): Promise<void> {
    checkInput(this, x);
    return fitLayersModel(this.model, this.head, this.task, x, y, options);
  }

  /** Copies of every weight (trainable or not) by its original name, e.g. `dense/kernel`. */
  getWeights(): NamedWeights {
    const out = new Map<string, Tensor>();
    for (const w of this.model.weights) out.set(w.originalName, { data: Float32Array.from(w.read().dataSync() as Float32Array), shape: [...w.shape] as number[] });
    return out;
  }

  /** Replaces the named weights; unknown names and wrong sizes are refused before anything changes. */
  async setWeights(weights: NamedWeights): Promise<void> {
    const byName = new Map(this.model.weights.map((w) => [w.originalName, w]));
    for (const [name, t] of weights) {
      const w = byName.get(name);
      if (!w) throw new GlassboxError('invalid_argument', `setWeights: the model has no weight '${name}'`, { argument: name, hint: `Weights: ${[...byName.keys()].join(', ')}` });
      const size = w.shape.reduce((a: number, b) => a * (b ?? 1), 1);
      if (t.data.length !== size) throw new GlassboxError('shape_mismatch', `setWeights: '${name}' has ${size} values ([${w.shape.join(', ')}]) but ${t.data.length} were given`, { argument: name, hint: 'Pass weights taken from getWeights() of the same architecture.' });
    }
    for (const [name, t] of weights) {
      const w = byName.get(name)!;
      const value = tf.tensor(t.data, w.shape as number[]);
      w.write(value);
      value.dispose();
    }
  }

  /**
   * The model's own trainable variables and its logits (class-output view) for src/train. Dropout is
   * active when `training` is set (seeded by `dropoutRng`); the variables are the model's, so
   * `commit` has nothing to copy and `dispose` frees nothing.
   */
  trainingGraph(): Promise<TrainingGraph> {
    const parameters = this.model.trainableWeights.map((w) => ({ name: w.originalName, variable: w.read() as tf.Variable }));
    return Promise.resolve({
      parameters,
      logits: (x: tf.Tensor, options: { training?: boolean; dropoutRng?: Rng } = {}) =>
        classOutputs(this.model, this.head, x, 'logits', { ...(options.training ? { training: true } : {}), ...(options.dropoutRng ? { dropoutRng: options.dropoutRng } : {}) }),
      commit: () => Promise.resolve(),
      dispose: () => undefined,
    });
  }

  /** Saves model.json + weights.bin into `dir` atomically, with task and classes in the metadata (`float16`: half-size weights). */
  async save(dir: string, extra: Record<string, unknown> = {}, options: SaveWeightOptions = {}): Promise<void> {
    const glassbox: TfjsGlassboxMetadata = {
      ...extra,
      task: this.task,
      classes: this.classes,
      ...(this.options.outputKind ? { outputKind: this.options.outputKind } : {}),
      ...(this.description ? { description: this.description } : {}),
    };
    await this.model.save(fileSaveHandler(dir, { glassbox }, options));
  }

  dispose(): Promise<void> {
    this.model.dispose();
    return Promise.resolve();
  }
}

function readMetadata(model: tf.LayersModel): TfjsGlassboxMetadata | undefined {
  const meta = model.getUserDefinedMetadata() as { glassbox?: TfjsGlassboxMetadata } | undefined;
  return meta?.glassbox;
}

