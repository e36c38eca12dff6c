import * as tf from './tfjs-api.js';
import { GlassboxError, throwIfAborted } from '../../errors.js';
import type { Differentiable, GradientTarget, LossGradientOptions, LossGradients } from '../capabilities.js';
import { checkLossLabels } from '../loss-gradients.js';
import type { InputSpec, Model, PredictOptions, Task } from '../model.js';
import type { Tensor } from '../tensor.js';
import { concatFloat32, rowSize, sliceRows } from '../tensor.js';
import { batchedLayerGradients } from './layer-gradients.js';
import { initTf } from './backend.js';
import type { TfBackend } from './backend.js';
import { readModelArtifacts } from './file-io.js';
import { checkInput, checkTargets, selectTargets } from './targets.js';
import { crossEntropyRows, tfjsLossGradients } from './loss-gradients.js';

interface GraphNode {
  readonly name: string;
  readonly op: string;
  readonly input?: readonly string[];
}

export interface TfjsGraphModelOptions {
  readonly classes?: readonly string[];
  /** Overrides detection from the output node's op (Softmax/Sigmoid → probabilities). */
  readonly outputKind?: 'logits' | 'probabilities';
  readonly batchSize?: number;
  readonly backend?: TfBackend;
}

type OutputMode = 'logits' | 'probabilities';

/**
 * A TF.js GraphModel (tensorflowjs_converter output) as a glassbox Model with gradients: the graph is
 * executed under `tf.grad`, so every op on the path needs a registered gradient. Intermediate tensors
 * are addressed by node name; `layerGradients` feeds the chosen node's value back into the graph.
 */
export class TfjsGraphModel implements Model, Differentiable {
  readonly task: Task;
  readonly classes: readonly string[];
  readonly inputSpec: InputSpec;
  readonly outputWidth: number;
  readonly layerNames: readonly string[];
  readonly batchSize: number;
  /** Output activation applied by the graph itself, and the node that holds the logits. */
  private readonly activation: 'softmax' | 'sigmoid' | 'none';
  private readonly logitsNode: string;
  private readonly inputName: string;
  private readonly outputName: string;
  private readonly width: number;

  constructor(readonly graph: tf.GraphModel, nodes: readonly GraphNode[], options: TfjsGraphModelOptions = {}) {
    if (graph.inputs.length !== 1 || graph.outputs.length !== 1) {
      throw new GlassboxError('unsupported_model', `The TF.js graph model has ${graph.inputs.length} inputs and ${graph.outputs.length} outputs; glassbox supports one of each`, { hint: 'Export a model with one input and one output tensor.' });
    }
    const input = graph.inputs[0]!;
    const output = graph.outputs[0]!;
    this.inputName = input.name;
    this.outputName = output.name;
    const outNode = nodes.find((n) => n.name === this.outputName.replace(/:\d+$/, ''));
    const op = outNode?.op ?? '';
    const activated = options.outputKind ? options.outputKind === 'probabilities' : op === 'Softmax' || op === 'Sigmoid';
    this.width = outputWidthOf(graph, input, output, options.classes);
    this.activation = activated ? (op === 'Sigmoid' || this.width === 1 ? 'sigmoid' : 'softmax') : 'none';
    this.logitsNode = activated && (op === 'Softmax' || op === 'Sigmoid') && outNode?.input?.[0] ? outNode.input[0] : this.outputName;
    const regression = !activated && this.width === 1 && !options.classes;
    this.task = regression ? 'regression' : (options.classes?.length ?? Math.max(2, this.width)) === 2 ? 'binary' : 'multiclass';
    this.classes = regression ? [] : [...(options.classes ?? Array.from({ length: Math.max(2, this.width) }, (_, k) => String(k)))];
    this.outputWidth = regression ? 1 : this.classes.length;
    this.inputSpec = Object.freeze({ name: input.name, shape: Object.freeze([null, ...(input.shape ?? []).slice(1).map((d) => (d < 0 ? null : d))]), dtype: 'float32' as const });
    this.layerNames = Object.freeze(nodes.filter((n) => n.op !== 'Const' && n.op !== 'Placeholder').map((n) => n.name));
    this.batchSize = options.batchSize ?? 256;
  }

  /** One column per class: probabilities, or logits ([0, z] for a single sigmoid unit, so softmax(logits) = probabilities). */
  private classOutputs(x: tf.Tensor, mode: OutputMode, feed: Record<string, tf.Tensor> = {}): tf.Tensor2D {
    const run = (name: string): tf.Tensor2D => this.graph.execute({ [this.inputName]: x, ...feed }, name) as tf.Tensor2D;
    if (this.task === 'regression') return run(this.outputName);
    const z = this.activation === 'none' ? run(this.outputName) : run(this.logitsNode);
    if (this.width === 1) {
      return (mode === 'logits' ? tf.concat([tf.zerosLike(z), z], 1) : tf.concat([tf.sigmoid(tf.neg(z)), tf.sigmoid(z)], 1)) as tf.Tensor2D;
    }
    if (mode === 'logits') return z;
    return this.activation === 'sigmoid' ? tf.sigmoid(z) : tf.softmax(z);
  }

  async predict(x: Tensor, options: PredictOptions = {}): Promise<Float32Array> {
    return this.batched(x, 'probabilities', options.signal);
  }

  async logits(x: Tensor, options: PredictOptions = {}): Promise<Float32Array> {
    return this.batched(x, 'logits', options.signal);
  }

  private batched(x: Tensor, mode: OutputMode, signal?: AbortSignal): Float32Array {
    checkInput(this, x);
    const n = x.shape[0]!;
    const out = new Float32Array(n * this.outputWidth);
    for (let start = 0; start < n; start += this.batchSize) {
      throwIfAborted(signal);
      const batch = sliceRows(x, start, Math.min(n, start + this.batchSize));
      out.set(tf.tidy(() => this.classOutputs(tf.tensor(batch.data, [...batch.shape]), mode).dataSync()), start * this.outputWidth);
    }
    return out;
  }

  async inputGradients(x: Tensor, target: GradientTarget, options: { output?: OutputMode; signal?: AbortSignal } = {}): Promise<Float32Array> {
    checkInput(this, x);
    const n = x.shape[0]!;
    checkTargets(this, target, n);
    const size = rowSize(x.shape);
    const out = new Float32Array(n * size);
    for (let start = 0; start < n; start += this.batchSize) {
      throwIfAborted(options.signal);
      const end = Math.min(n, start + this.batchSize);
      const batch = sliceRows(x, start, end);
      const values = tf.tidy(() => tf.grad((input: tf.Tensor) => selectTargets(this.classOutputs(input, options.output ?? 'logits'), target, start, end))(tf.tensor(batch.data, [...batch.shape])).dataSync());
      out.set(values, start * size);
    }
    return out;
  }

  /**
   * ∂ CE_i / ∂ x_i per row with tf.grad, plus the per-row loss and probabilities: log-softmax
   * cross-entropy of the logits node, or −log p_y (p clipped at 1e-7) when the graph's output is
   * declared to be probabilities but no Softmax/Sigmoid node gives back its logits.
   */
  async lossGradients(x: Tensor, labels: Int32Array, options: LossGradientOptions = {}): Promise<LossGradients> {
    checkInput(this, x);
    const n = x.shape[0]!;
    checkLossLabels(this.task, labels, n, this.outputWidth, 'tfjs graph model', options.loss);
    const size = rowSize(x.shape);
    const gradient = new Float32Array(n * size);
    const loss = new Float32Array(n);
    const probabilities = new Float32Array(n * this.outputWidth);
    const opaque = this.activation !== 'none' && this.logitsNode === this.outputName;
    for (let start = 0; start < n; start += this.batchSize) {
      throwIfAborted(options.signal);
      const end = Math.min(n, start + this.batchSize);
      const batch = sliceRows(x, start, end);
      const y = labels.subarray(start, end);
      const lossOf = (input: tf.Tensor): tf.Tensor => {
        if (!opaque) return crossEntropyRows(tf, this.classOutputs(input, 'logits'), y);
        const p = tf.clipByValue(this.classOutputs(input, 'probabilities'), 1e-7, 1);
        return tf.neg(tf.sum(tf.mul(tf.oneHot(tf.tensor1d(y, 'int32'), this.outputWidth), tf.log(p)), 1));
      };
      const xt = tf.tensor(batch.data, [...batch.shape]);
      const [g, l, p] = tfjsLossGradients(tf, xt, lossOf, (input) => this.classOutputs(input, 'probabilities'));
      gradient.set(g.dataSync(), start * size);
      loss.set(l.dataSync(), start);
      probabilities.set(p.dataSync(), start * this.outputWidth);
      tf.dispose([xt, g, l, p]);
    }
    return { gradient, loss, probabilities };
  }

  private checkNode(name: string): void {
    if (!this.layerNames.includes(name)) {
      throw new GlassboxError('invalid_argument', `The TF.js graph model has no node "${name}"`, { argument: 'layer', hint: `Nodes include: ${this.layerNames.slice(0, 20).join(', ')}${this.layerNames.length > 20 ? ', …' : ''}` });
    }
  }

  async activations(x: Tensor, names: readonly string[]): Promise<Record<string, Tensor>> {
    checkInput(this, x);
    names.forEach((name) => this.checkNode(name));
    const n = x.shape[0]!;
    const result: Record<string, Tensor> = {};
    for (const name of names) {
      const parts: Float32Array[] = [];
      let shape: number[] = [];
      for (let start = 0; start < n; start += this.batchSize) {
        const batch = sliceRows(x, start, Math.min(n, start + this.batchSize));
        const t = this.graph.execute({ [this.inputName]: tf.tensor(batch.data, [...batch.shape]) }, name) as tf.Tensor;
        parts.push(Float32Array.from(t.dataSync()));
        shape = t.shape.slice(1);
        t.dispose();
      }
      result[name] = { data: concatFloat32(parts), shape: [n, ...shape] };
    }
    return result;
  }

  async layerGradients(x: Tensor, layer: string, target: GradientTarget, options: { output?: OutputMode } = {}): Promise<{ activation: Tensor; gradient: Tensor }> {
    checkInput(this, x);
    this.checkNode(layer);
    checkTargets(this, target, x.shape[0]!);
    return batchedLayerGradients(x, this.batchSize, (input, start, end) => ({
      activation: this.graph.execute({ [this.inputName]: input }, layer) as tf.Tensor,
      outputsGiven: (value) => selectTargets(this.classOutputs(input, options.output ?? 'logits', { [layer]: value }), target, start, end),
    }));
  }

  async dispose(): Promise<void> {
    this.graph.dispose();
  }
}

/** Width of the output: from its declared shape, else by running one all-zero row through the graph. */
function outputWidthOf(graph: tf.GraphModel, input: tf.ModelTensorInfo, output: tf.ModelTensorInfo, classes?: readonly string[]): number {
  const declared = output.shape?.[output.shape.length - 1];
  if (declared !== undefined && declared > 0) return declared;
  const inner = (input.shape ?? []).slice(1);
  if (inner.length > 0 && inner.every((d) => d > 0)) {
    return tf.tidy(() => {
      const probe = graph.execute(tf.zeros([1, ...inner]), output.name) as tf.Tensor;
      return probe.shape[probe.shape.length - 1] ?? 1;
    });
  }
  return classes?.length ?? 1;
}


/** Loads a TF.js GraphModel folder (model.json + shards) from the file system. */
export async function loadTfjsGraphModel(path: string, options: TfjsGraphModelOptions = {}): Promise<TfjsGraphModel> {
  await initTf(options.backend ?? 'wasm');
  const artifacts = await readModelArtifacts(path);
  const topology = artifacts.modelTopology as { node?: GraphNode[] } | undefined;
  if (!topology?.node) {
    throw new GlassboxError('unsupported_model', `${path} is not a TF.js GraphModel (its modelTopology has no nodes)`, { file: path, hint: 'Load LayersModel files with loadTfjsLayersModel.' });
  }
  try {
    const graph = await tf.loadGraphModel(tf.io.fromMemory(artifacts));
    return new TfjsGraphModel(graph, topology.node, options);
  } catch (error) {
    if (error instanceof GlassboxError) throw error;
    throw new GlassboxError('unsupported_model', `${path}: TF.js could not load the graph model: ${(error as Error).message}`, { file: path, hint: 'Check that the files come from tensorflowjs_converter and all ops are supported by tfjs.' }, { cause: error });
  }
}
