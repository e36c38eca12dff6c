import { GlassboxError } from '../errors.js';
import { readModelFile } from '../model/onnx.js';
import type { Differentiable, GradientTarget, LossGradientOptions, LossGradients, NamedWeights, QuickFitOptions, Trainable, TrainingGraph } from '../model/capabilities.js';
import type { InputSpec, Model, PredictOptions, Task } from '../model/model.js';
import type { Tensor } from '../model/tensor.js';
import { loadOnnxGradModel } from '../model/onnx-grad/load.js';
import type { GradientCallOptions, OnnxGradModel, OnnxGradOptions } from '../model/onnx-grad/adapter.js';
import { graphFilterBiases } from '../model/onnx-grad/filter-biases.js';
import { decodeOnnx, type GraphIR } from '../model/onnx-grad/graph-ir.js';
import { detectHead, headLogits, type Head } from '../model/onnx-grad/heads.js';
import type { HostTensor } from '../model/onnx-grad/host-tensor.js';
import { OnnxInterpreter } from '../model/onnx-grad/interpreter.js';
import { floatInitializerNames, replaceInitializers } from '../model/onnx-grad/write-initializers.js';
import { tf } from '../model/tfjs/backend.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { fit } from './fit.js';
import { composeLoss, taskLossFor } from './losses.js';
import { defaultTrainableInitializers } from './onnx-parameters.js';

export interface TrainableOnnxOptions extends OnnxGradOptions {
  /** Initializers to train (default: weights and biases, see defaultTrainableInitializers). */
  readonly parameters?: readonly string[];
}

/** What every copy of one ONNX file shares. */
interface OnnxFile {
  readonly bytes: Uint8Array;
  readonly source: string;
  readonly graph: GraphIR;
  readonly head: Head;
  readonly inputName: string;
  /** Float32 initializers (getWeights/setWeights/save). */
  readonly floatNames: ReadonlySet<string>;
  /** The ones fine-tuning updates. */
  readonly parameters: readonly string[];
  /** The model as loaded; every copy derives from it with withWeights. */
  readonly base: OnnxGradModel;
}

function copyHost(t: HostTensor): HostTensor {
  return { dtype: 'float32', shape: [...t.shape], data: Float32Array.from(t.data) };
}

/**
 * An ONNX classifier or regressor whose float32 initializers are trainable: predictions and gradients
 * come from the loaded model (onnxruntime, or the tfjs interpreter) with the current weights;
 * training runs the graph through the tfjs interpreter with the trainable initializers as tf
 * variables (inference semantics: Dropout off, BatchNormalization with its running statistics);
 * `save` writes the original file with the initializers replaced, which onnxruntime loads as before.
 */
export class TrainableOnnxModel implements Model, Differentiable, Trainable {
  readonly task: Task;
  readonly classes: readonly string[];
  readonly inputSpec: InputSpec;
  readonly outputWidth: number;
  readonly layerNames: readonly string[];

  private constructor(
    private readonly file: OnnxFile,
    private model: OnnxGradModel,
    private weights: Map<string, HostTensor>,
  ) {
    this.task = model.task;
    this.classes = model.classes;
    this.inputSpec = model.inputSpec;
    this.outputWidth = model.outputWidth;
    this.layerNames = model.layerNames;
  }

  /** Loads an ONNX file (path or bytes) for fine-tuning. */
  static async load(source: string | Uint8Array, options: TrainableOnnxOptions = {}): Promise<TrainableOnnxModel> {
    const name = typeof source === 'string' ? source : 'ONNX model';
    const bytes = typeof source === 'string' ? new Uint8Array(await readModelFile(source)) : source;
    const { parameters: wanted, ...gradOptions } = options;
    const base = await loadOnnxGradModel(bytes, gradOptions);
    const graph = decodeOnnx(bytes, name);
    const floatNames = new Set(floatInitializerNames(bytes));
    const parameters = wanted ? [...wanted] : defaultTrainableInitializers(graph, floatNames);
    for (const p of parameters) {
      if (!floatNames.has(p)) {
        throw new GlassboxError('invalid_argument', `${name}: '${p}' is not a float32 initializer, so it cannot be trained.`, { file: name, argument: 'parameters', hint: `Float32 initializers: ${[...floatNames].slice(0, 20).join(', ')}` });
      }
    }
    if (parameters.length === 0) {
      throw new GlassboxError('unsupported_model', `${name}: no trainable weights found (no float32 initializer feeds a Conv, Gemm, MatMul, normalisation or bias Add).`, { file: name, hint: 'Name the initializers to train with `parameters`.' });
    }
    const outputName = options.outputName ?? graph.outputs[0]?.name ?? '';
    const weights = new Map<string, HostTensor>();
    for (const n of floatNames) weights.set(n, copyHost(graph.initializers.get(n)!));
    const file: OnnxFile = { bytes, source: name, graph, head: detectHead(graph, outputName), inputName: graph.inputs[0]!.name, floatNames, parameters, base };
    return new TrainableOnnxModel(file, base, weights);
  }

  /** Each Conv weight initializer's bias initializer, from the graph (see graphFilterBiases). */
  filterBiases(): ReadonlyMap<string, string> {
    return graphFilterBiases(this.file.graph, this.file.floatNames);
  }

  /** Names of the initializers fine-tuning updates. */
  get trainableParameters(): readonly string[] {
    return this.file.parameters;
  }

  predict(x: Tensor, options?: PredictOptions): Promise<Float32Array> {
    return this.model.predict(x, options);
  }

  /** Logits or probabilities, [rows, outputWidth]. */
  forward(x: Tensor, options: { output?: 'logits' | 'probabilities'; signal?: AbortSignal } = {}): Promise<Float32Array> {
    return this.model.forward(x, options);
  }

  inputGradients(x: Tensor, target: GradientTarget, options?: GradientCallOptions): Promise<Float32Array> {
    return this.model.inputGradients(x, target, options);
  }

  lossGradients(x: Tensor, labels: Int32Array, options?: LossGradientOptions): Promise<LossGradients> {
    return this.model.lossGradients(x, labels, options);
  }

  activations(x: Tensor, names: readonly string[]): Promise<Record<string, Tensor>> {
    return this.model.activations(x, names);
  }

  layerGradients(x: Tensor, layer: string, target: GradientTarget, options?: GradientCallOptions): Promise<{ activation: Tensor; gradient: Tensor }> {
    return this.model.layerGradients(x, layer, target, options);
  }

  /** Copies of every float32 initializer, by name. */
  getWeights(): NamedWeights {
    const out = new Map<string, Tensor>();
    for (const [name, t] of this.weights) out.set(name, { data: Float32Array.from(t.data), shape: [...t.shape] });
    return out;
  }

  /** Replaces named float32 initializers (checked first); predictions use them from then on. */
  async setWeights(weights: NamedWeights): Promise<void> {
    for (const [name, t] of weights) {
      const current = this.weights.get(name);
      if (!current) throw new GlassboxError('invalid_argument', `setWeights: ${this.file.source} has no float32 initializer '${name}'`, { argument: name, hint: `Initializers: ${[...this.weights.keys()].slice(0, 20).join(', ')}` });
      if (current.data.length !== t.data.length) {
        throw new GlassboxError('shape_mismatch', `setWeights: '${name}' has ${current.data.length} values ([${current.shape.join(', ')}]) but ${t.data.length} were given`, { argument: name, hint: 'Pass weights taken from getWeights() of the same model.' });
      }
    }
    const next = new Map(this.weights);
    for (const [name, t] of weights) next.set(name, { dtype: 'float32', shape: [...next.get(name)!.shape], data: Float32Array.from(t.data) });
    const previous = this.model;
    this.weights = next;
    this.model = this.file.base.withWeights(next);
    if (previous !== this.file.base) await previous.dispose();
  }

  /** An independent copy with the same weights. */
  clone(): Promise<TrainableOnnxModel> {
    const weights = new Map<string, HostTensor>();
    for (const [name, t] of this.weights) weights.set(name, copyHost(t));
    return Promise.resolve(new TrainableOnnxModel(this.file, this.file.base.withWeights(weights), weights));
  }

  /** The quick fit: cross-entropy (squared error for regression) with Adam; see train/fit.ts for more. */
  async fit(x: Tensor, y: Float32Array, options: QuickFitOptions = {}): Promise<void> {
    await fit(this, { x, y, ...(options.sampleWeights ? { sampleWeights: options.sampleWeights } : {}) }, composeLoss(taskLossFor(this.task)), {
      ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
      ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      optimizer: { kind: 'adam', learningRate: options.learningRate ?? 1e-3 },
      ...(options.onProgress ? { onProgress: (p) => { if (p.kind === 'epoch') options.onProgress!({ epoch: p.epoch, epochs: p.epochs, loss: p.loss }); } } : {}),
    });
  }

  /** The ONNX file with the current weights as bytes. */
  toBytes(): Uint8Array {
    return replaceInitializers(this.file.bytes, this.weights, this.file.source);
  }

  /** Writes the ONNX file with the current initializers, atomically (temp file + rename). */
  async save(path: string): Promise<void> {
    await writeFileAtomic(path, this.toBytes());
  }

  /**
   * The graph on the tfjs interpreter with the trainable initializers as tf variables (the others
   * fixed at their current values); `commit` copies the variables into this model.
   */
  trainingGraph(): Promise<TrainingGraph> {
    const { graph, head, inputName, parameters: names } = this.file;
    const interpreter = new OnnxInterpreter(tf, graph, this.weights);
    const parameters = names.map((name) => {
      const t = this.weights.get(name)!;
      return { name, variable: tf.variable(tf.tensor(t.data, [...t.shape]), true) };
    });
    const overrides = new Map(parameters.map((p) => [p.name, p.variable as tf.Tensor]));
    const dims = this.inputSpec.shape.slice(1);
    const known = dims.every((d): d is number => typeof d === 'number' && d > 0);
    const binary = this.task === 'binary';
    return Promise.resolve({
      parameters,
      logits: (x: tf.Tensor) => {
        const input = known && x.shape.slice(1).join(',') !== dims.join(',') ? tf.reshape(x, [x.shape[0]!, ...dims]) : x;
        const value = interpreter.run({ [inputName]: input }, { outputs: [head.logitsTensor], overrides }).get(head.logitsTensor)!;
        return headLogits(tf, value, binary) as tf.Tensor2D;
      },
      commit: async () => {
        const updated = new Map<string, Tensor>();
        for (const p of parameters) updated.set(p.name, { data: Float32Array.from(p.variable.dataSync() as Float32Array), shape: p.variable.shape });
        await this.setWeights(updated);
      },
      dispose: () => {
        for (const p of parameters) p.variable.dispose();
        interpreter.dispose();
      },
    });
  }

  async dispose(): Promise<void> {
    if (this.model !== this.file.base) await this.model.dispose();
  }
}

/** Loads an ONNX file (path or bytes) as a Trainable model; see TrainableOnnxModel. */
export function loadTrainableOnnx(source: string | Uint8Array, options: TrainableOnnxOptions = {}): Promise<TrainableOnnxModel> {
  return TrainableOnnxModel.load(source, options);
}
