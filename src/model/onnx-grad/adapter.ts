import { readFile } from 'node:fs/promises';
import { GlassboxError, throwIfAborted } from '../../errors.js';
import { checkInput, positiveInt } from '../batch-predict.js';
import type { Differentiable, GradientTarget } from '../capabilities.js';
import type { InputSpec, Model, PredictOptions, Task } from '../model.js';
import { resolveTask } from '../output-transform.js';
import { concatFloat32, type Tensor } from '../tensor.js';
import { initTf, type TfBackend } from '../tfjs/backend.js';
import { decodeOnnx, type GraphIR } from './graph-ir.js';
import { detectHead, headLogits, headProbabilities, type Head } from './heads.js';
import type { HostTensor } from './host-tensor.js';
import { OnnxInterpreter } from './interpreter.js';
import type { T, TF } from './op-context.js';
import { parameterLayers, randomizedWeights, type ParameterLayer } from './parameters.js';

export type OutputSpace = 'logits' | 'probabilities';

export interface OnnxGradOptions {
  readonly task?: Task;
  readonly classes?: readonly string[];
  /** Graph output to explain (default: the first). */
  readonly outputName?: string;
  /** tfjs backend (default 'wasm'). */
  readonly backend?: TfBackend;
  /** Rows per gradient pass: bounds memory (default 128). */
  readonly batchSize?: number;
}

export interface GradientCallOptions {
  readonly output?: OutputSpace;
  readonly signal?: AbortSignal;
  /** 'guided': every Relu passes back only positive gradients (guided backprop). */
  readonly relu?: 'default' | 'guided';
}

interface Shared {
  readonly tf: TF;
  readonly graph: GraphIR;
  readonly source: string;
  readonly inputName: string;
  readonly inputSpec: InputSpec;
  readonly head: Head;
  readonly task: Task;
  readonly classes: readonly string[];
  readonly outputWidth: number;
  readonly batchSize: number;
}

/**
 * An ONNX model run by the tfjs interpreter: a Model (predict → probabilities) that is also
 * Differentiable (input gradients, activations and gradients of any named tensor), supports the
 * guided-backprop ReLU override per call, and can re-initialise its parameters for sanity checks
 * (Adebayo et al. 2018).
 */
export class OnnxGradModel implements Model, Differentiable {
  readonly task: Task;
  readonly classes: readonly string[];
  readonly inputSpec: InputSpec;
  readonly outputWidth: number;
  readonly layerNames: readonly string[];
  readonly supportsGuidedRelu = true;
  readonly interpreter: OnnxInterpreter;

  constructor(private readonly shared: Shared, weights?: ReadonlyMap<string, HostTensor>) {
    this.task = shared.task;
    this.classes = shared.classes;
    this.inputSpec = shared.inputSpec;
    this.outputWidth = shared.outputWidth;
    this.interpreter = new OnnxInterpreter(shared.tf, shared.graph, weights);
    this.layerNames = this.interpreter.tensorNames;
  }

  get batchSize(): number {
    return this.shared.batchSize;
  }

  private toTf(x: Tensor, start: number, end: number, rowSize: number): T {
    const dims = this.inputSpec.shape.slice(1).map((d) => d ?? -1);
    const shape = dims.length > 0 && dims.every((d) => d > 0) ? [end - start, ...dims] : [end - start, ...x.shape.slice(1)];
    return this.shared.tf.tensor(x.data.subarray(start * rowSize, end * rowSize), shape, 'float32');
  }

  /** [n, k] logits or probabilities of a tfjs batch, inside the caller's scope. */
  private head(xt: T, output: OutputSpace, relu: 'default' | 'guided', overrides?: ReadonlyMap<string, T>): T {
    const { tf, head, inputName } = this.shared;
    const value = this.interpreter.run({ [inputName]: xt }, { outputs: [head.logitsTensor], guidedRelu: relu === 'guided', ...(overrides ? { overrides } : {}) }).get(head.logitsTensor)!;
    const logits = headLogits(tf, value, this.task === 'binary');
    return output === 'logits' ? logits : headProbabilities(tf, logits, this.task === 'regression');
  }

  private async batches(x: Tensor, signal: AbortSignal | undefined, work: (xt: T, start: number, end: number) => Promise<void>): Promise<number> {
    const { nRows, rowSize } = checkInput(x, this.inputSpec, this.shared.source);
    for (let start = 0; start < nRows; start += this.batchSize) {
      throwIfAborted(signal);
      const end = Math.min(nRows, start + this.batchSize);
      const xt = this.toTf(x, start, end, rowSize);
      try {
        await work(xt, start, end);
      } finally {
        xt.dispose();
      }
    }
    return rowSize;
  }

  /** Model outputs in the chosen space, [rows, outputWidth] row-major. */
  async forward(x: Tensor, options: { output?: OutputSpace; signal?: AbortSignal } = {}): Promise<Float32Array> {
    const nRows = x.shape[0] ?? 0;
    const out = new Float32Array(nRows * this.outputWidth);
    await this.batches(x, options.signal, async (xt, start) => {
      const y = this.shared.tf.tidy(() => this.head(xt, options.output ?? 'probabilities', 'default'));
      out.set((await y.data()) as Float32Array, start * this.outputWidth);
      y.dispose();
    });
    return out;
  }

  predict(x: Tensor, options: PredictOptions = {}): Promise<Float32Array> {
    return this.forward(x, { output: 'probabilities', ...(options.signal ? { signal: options.signal } : {}) });
  }

  private targetMask(target: GradientTarget, start: number, end: number): T {
    const tf = this.shared.tf;
    const idx = new Int32Array(end - start);
    for (let i = 0; i < idx.length; i++) idx[i] = typeof target === 'number' ? target : target[start + i] ?? -1;
    for (const t of idx) {
      if (!(t >= 0 && t < this.outputWidth)) {
        throw new GlassboxError('invalid_argument', `${this.shared.source}: gradient target ${t} is outside the ${this.outputWidth} output columns.`, { argument: 'target', hint: `Use a class index in [0, ${this.outputWidth - 1}].` });
      }
    }
    return tf.oneHot(tf.tensor1d(idx, 'int32'), this.outputWidth).toFloat();
  }

  private checkTarget(x: Tensor, target: GradientTarget): void {
    if (typeof target !== 'number' && target.length !== (x.shape[0] ?? 0)) {
      throw new GlassboxError('shape_mismatch', `${this.shared.source}: ${target.length} targets for ${x.shape[0] ?? 0} rows.`, { argument: 'target', hint: 'Give one target per row, or a single class index.' });
    }
  }

  /** ∂ output[target] / ∂ input for every row, in the input's shape. */
  async inputGradients(x: Tensor, target: GradientTarget, options: GradientCallOptions = {}): Promise<Float32Array> {
    this.checkTarget(x, target);
    const tf = this.shared.tf;
    const out = new Float32Array(x.data.length);
    const rowSize = x.data.length / Math.max(1, x.shape[0] ?? 1);
    await this.batches(x, options.signal, async (xt, start, end) => {
      const g = tf.tidy(() => {
        const mask = this.targetMask(target, start, end);
        return tf.grad((input: T) => tf.sum(tf.mul(this.head(input, options.output ?? 'logits', options.relu ?? 'default'), mask)))(xt);
      });
      out.set((await g.data()) as Float32Array, start * rowSize);
      g.dispose();
    });
    return out;
  }

  /** Values of named intermediate tensors (graph/NCHW layout). */
  async activations(x: Tensor, names: readonly string[]): Promise<Record<string, Tensor>> {
    for (const name of names) this.checkLayer(name);
    const parts: Record<string, Float32Array[]> = Object.fromEntries(names.map((n) => [n, []]));
    const shapes: Record<string, number[]> = {};
    await this.batches(x, undefined, async (xt) => {
      const values = this.shared.tf.tidy(() => {
        const run = this.interpreter.run({ [this.shared.inputName]: xt }, { outputs: names });
        return names.map((name) => run.get(name)!);
      });
      for (const [k, t] of values.entries()) {
        const name = names[k]!;
        shapes[name] = t.shape;
        parts[name]!.push((await t.data()) as Float32Array);
        t.dispose();
      }
    });
    const nRows = x.shape[0] ?? 0;
    return Object.fromEntries(names.map((name) => [name, { data: concatFloat32(parts[name]!), shape: [nRows, ...(shapes[name] ?? [0]).slice(1)] }]));
  }

  /** d output[target] / d tensor `layer`, together with that tensor's value. */
  async layerGradients(x: Tensor, layer: string, target: GradientTarget, options: GradientCallOptions = {}): Promise<{ activation: Tensor; gradient: Tensor }> {
    this.checkLayer(layer);
    this.checkTarget(x, target);
    const tf = this.shared.tf;
    const acts: Float32Array[] = [];
    const grads: Float32Array[] = [];
    let shape: number[] = [];
    await this.batches(x, options.signal, async (xt, start, end) => {
      const a = tf.tidy(() => this.interpreter.run({ [this.shared.inputName]: xt }, { outputs: [layer] }).get(layer)!);
      const g = tf.tidy(() => {
        const mask = this.targetMask(target, start, end);
        const f = (value: T): T => tf.sum(tf.mul(this.head(xt, options.output ?? 'logits', options.relu ?? 'default', new Map([[layer, value]])), mask));
        return tf.grad(f)(a);
      });
      shape = a.shape;
      acts.push((await a.data()) as Float32Array);
      grads.push((await g.data()) as Float32Array);
      a.dispose();
      g.dispose();
    });
    const full = [x.shape[0] ?? 0, ...shape.slice(1)];
    return { activation: { data: concatFloat32(acts), shape: full }, gradient: { data: concatFloat32(grads), shape: full } };
  }

  private checkLayer(name: string): void {
    if (!this.layerNames.includes(name) && name !== this.shared.inputName) {
      throw new GlassboxError('invalid_argument', `${this.shared.source}: no tensor named '${name}'.`, { argument: 'layer', hint: `Known tensors: ${this.layerNames.join(', ')}` });
    }
  }

  /** Parameterised layers (nodes with weight initializers), input side first. */
  get parameterLayers(): readonly ParameterLayer[] {
    return parameterLayers(this.shared.graph);
  }

  /** A copy whose parameters in `layers` are re-initialised (seeded; PyTorch default uniform ±1/√fan_in). */
  withRandomizedLayers(layers: readonly string[], seed: number): OnnxGradModel {
    return new OnnxGradModel(this.shared, randomizedWeights(this.shared.graph, layers, seed, this.interpreter.constants));
  }

  async dispose(): Promise<void> {
    this.interpreter.dispose();
  }
}


/**
 * Loads an ONNX file (or bytes) for gradient-based explanation with the tfjs interpreter. Every op
 * is checked at load time; an unsupported one throws `unsupported_model` naming the op and node.
 */
export async function loadOnnxGradModel(source: string | Uint8Array, options: OnnxGradOptions = {}): Promise<OnnxGradModel> {
  const file = typeof source === 'string' ? source : 'ONNX model';
  const batchSize = positiveInt(options.batchSize, 128, 'batchSize', file);
  let bytes: Uint8Array;
  try {
    bytes = typeof source === 'string' ? await readFile(source) : source;
  } catch (cause) {
    throw new GlassboxError('io_error', `Cannot read ONNX model ${file}: ${(cause as Error).message}`, { file, hint: 'Check the path.' }, { cause });
  }
  const graph = decodeOnnx(bytes, file);
  const tf = await initTf(options.backend ?? 'wasm');
  const input = graph.inputs[0];
  if (!input || graph.inputs.length !== 1) {
    throw new GlassboxError('unsupported_model', `${file}: the gradient interpreter needs exactly one graph input, found ${graph.inputs.length}.`, { file, hint: 'Export the model with a single input tensor.' });
  }
  const outputName = options.outputName ?? graph.outputs[0]?.name ?? '';
  if (!graph.outputs.some((o) => o.name === outputName)) {
    throw new GlassboxError('invalid_argument', `${file}: no graph output '${outputName}'.`, { file, argument: 'outputName', hint: `Outputs: ${graph.outputs.map((o) => o.name).join(', ')}` });
  }
  const head = detectHead(graph, outputName);
  const declared = graph.outputs.find((o) => o.name === outputName)?.shape ?? [];
  const lastDim = declared.length > 1 ? declared[declared.length - 1] : undefined;
  const rawWidth = typeof lastDim === 'number' ? lastDim : undefined;
  const { task, classes } = resolveTask(options, head.kind === 'sigmoid' && rawWidth === 1 ? 2 : rawWidth, file);
  const outputWidth = task === 'regression' ? rawWidth ?? 1 : task === 'binary' ? 2 : classes.length;
  const inputSpec: InputSpec = { name: input.name, shape: input.shape.map((d, i) => (i === 0 ? null : d)), dtype: 'float32' };
  return new OnnxGradModel({ tf, graph, source: file, inputName: input.name, inputSpec, head, task, classes, outputWidth, batchSize });
}
