import { GlassboxError, throwIfAborted } from '../../errors.js';
import { checkInput } from '../batch-predict.js';
import type { Differentiable, GradientTarget, LossGradientOptions, LossGradients, Stochastic } from '../capabilities.js';
import type { OnnxModel } from '../onnx.js';
import type { InputSpec, Model, PredictOptions, Task } from '../model.js';
import { concatFloat32, type Tensor } from '../tensor.js';
import type { TfBackend } from '../tfjs/backend.js';
import type { GraphIR } from './graph-ir.js';
import { headLogits, headProbabilities, type Head } from './heads.js';
import type { HostTensor } from './host-tensor.js';
import { checkSupportedOps, graphConstants, graphTensorNames, OnnxInterpreter } from './interpreter.js';
import type { T, TF } from './op-context.js';
import { checkLossLabels } from '../loss-gradients.js';
import { crossEntropyRows, tfjsLossGradients } from '../tfjs/loss-gradients.js';
import { EngineRouter } from './engine-router.js';
import { ortActivations, ortForward, ortGradients, ortLossGradients, targetIndices, type OrtModelInfo } from './ort-paths.js';
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
  /**
   * Who computes forward passes and gradients: 'onnxruntime' compiles the backward pass into ONNX
   * and runs it in onnxruntime (fast, both cores); 'tfjs' interprets the graph with tfjs ops; 'auto'
   * (default) uses onnxruntime when every op on the gradient path has a backward rule.
   */
  readonly engine?: 'auto' | 'onnxruntime' | 'tfjs';
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
  readonly engineMode: 'auto' | 'onnxruntime' | 'tfjs';
  /** Present when onnxruntime computes gradients (see OnnxGradOptions.engine). */
  readonly ort?: OrtModelInfo;
  /** Why the tfjs interpreter is used, when onnxruntime was possible in principle. */
  readonly engineNote?: string;
  /** The model file's bytes, for readers that need the graph as written (dense head, MC dropout). */
  readonly bytes?: Uint8Array;
  /** Graphs with Dropout: the plain onnxruntime adapter, loaded on first use, which samples MC dropout. */
  readonly mcDropout?: () => Promise<OnnxModel>;
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
  /** Built on first use: with the onnxruntime engine only fallbacks need the tfjs weights. */
  private tfjsInterpreter: OnnxInterpreter | undefined;
  /** onnxruntime or the tfjs interpreter, per request (see EngineRouter). */
  private readonly router: EngineRouter;
  /**
   * Seeded MC-dropout passes [samples, n, K] (see onnx-mc-dropout.ts), run by the plain onnxruntime
   * adapter on the same file; present only for graphs with Dropout nodes and the file's own weights.
   */
  readonly sample?: Stochastic['sample'];
  private plain: Promise<OnnxModel> | undefined;

  constructor(
    private readonly shared: Shared,
    private readonly weights?: ReadonlyMap<string, HostTensor>,
  ) {
    checkSupportedOps(shared.graph);
    this.task = shared.task;
    this.classes = shared.classes;
    this.inputSpec = shared.inputSpec;
    this.outputWidth = shared.outputWidth;
    this.layerNames = graphTensorNames(shared.graph);
    const ort = shared.ort && weights ? { ...shared.ort, engine: shared.ort.engine.withWeights(weights) } : shared.ort;
    this.router = new EngineRouter(ort, shared.engineMode, shared.engineNote);
    const mcDropout = shared.mcDropout;
    if (mcDropout && !weights) {
      this.sample = async (x, samples, seed) => {
        this.plain ??= mcDropout();
        const plain = await this.plain;
        if (!plain.sample) throw new GlassboxError('missing_capability', `${shared.source}: MC dropout is not available: ${plain.mcDropoutNote ?? 'the graph has no Dropout node'}`, { file: shared.source });
        return plain.sample(x, samples, seed);
      };
    }
  }

  /** The model file's bytes when this model runs the file's own weights (undefined after withWeights). */
  get onnxBytes(): Uint8Array | undefined {
    return this.weights ? undefined : this.shared.bytes;
  }

  /**
   * Who computed gradients: 'onnxruntime' (compiled backward graph) or 'tfjs' (the interpreter). Before
   * any gradient call it is the engine planned at load; afterwards the engine the latest gradient call
   * actually used, so a fallback to tfjs after construction shows here (and in engineNote).
   */
  get gradientEngine(): 'onnxruntime' | 'tfjs' {
    return this.router.lastEngine;
  }

  /** The decoded ONNX graph (read-only), e.g. for certified bounds; weights replaced by `withWeights` are not in it. */
  get graphIR(): GraphIR {
    return this.shared.graph;
  }

  /** True when this instance runs the weights of its graph file (no weights swapped in). */
  get hasOriginalWeights(): boolean {
    return this.weights === undefined;
  }

  /** The tfjs interpreter of this model's graph and weights. */
  get interpreter(): OnnxInterpreter {
    this.tfjsInterpreter ??= new OnnxInterpreter(this.shared.tf, this.shared.graph, this.weights);
    return this.tfjsInterpreter;
  }

  /**
   * Why gradients are computed by tfjs rather than onnxruntime: the load-time reason, or the requests
   * that fell back to tfjs since (undefined while onnxruntime computes everything).
   */
  get engineNote(): string | undefined {
    return this.router.note;
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
    checkInput(x, this.inputSpec, this.shared.source);
    const output = options.output ?? 'probabilities';
    const viaOrt = await this.router.viaOrt('forward', [this.shared.head.logitsTensor], undefined, (info) => ortForward(info, x, output, this.outputWidth, options.signal));
    if (viaOrt) return viaOrt;
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
    return tf.cast(tf.oneHot(tf.tensor1d(targetIndices(target, start, end, this.outputWidth, this.shared.source), 'int32'), this.outputWidth), 'float32');
  }

  private checkTarget(x: Tensor, target: GradientTarget): void {
    if (typeof target !== 'number' && target.length !== (x.shape[0] ?? 0)) {
      throw new GlassboxError('shape_mismatch', `${this.shared.source}: ${target.length} targets for ${x.shape[0] ?? 0} rows.`, { argument: 'target', hint: 'Give one target per row, or a single class index.' });
    }
  }

  /** ∂ output[target] / ∂ input for every row, in the input's shape. */
  async inputGradients(x: Tensor, target: GradientTarget, options: GradientCallOptions = {}): Promise<Float32Array> {
    this.checkTarget(x, target);
    checkInput(x, this.inputSpec, this.shared.source);
    const guided = options.relu === 'guided';
    const call = { source: this.shared.inputName, target, output: options.output ?? 'logits', guided, width: this.outputWidth, modelName: this.shared.source, ...(options.signal ? { signal: options.signal } : {}) } as const;
    const viaOrt = await this.router.viaOrt(`input|${guided}`, [], { source: this.shared.inputName, guided }, (info) => ortGradients(info, x, call));
    if (viaOrt) return this.router.used('onnxruntime', viaOrt.gradient.data);
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
    return this.router.used('tfjs', out);
  }

  /**
   * Input gradients of the logits together with the logits, from one onnxruntime pass (the backward
   * graph also returns its forward output). Undefined when the tfjs interpreter computes gradients:
   * callers then run `forward` and `inputGradients`.
   */
  async inputGradientsWithOutputs(x: Tensor, target: GradientTarget, options: Omit<GradientCallOptions, 'output'> = {}): Promise<{ gradients: Float32Array; outputs: Float32Array } | undefined> {
    this.checkTarget(x, target);
    checkInput(x, this.inputSpec, this.shared.source);
    const guided = options.relu === 'guided';
    const call = { source: this.shared.inputName, target, output: 'logits', guided, width: this.outputWidth, modelName: this.shared.source, withOutputs: true, ...(options.signal ? { signal: options.signal } : {}) } as const;
    const result = await this.router.viaOrt(`input+outputs|${guided}`, [this.shared.head.logitsTensor], { source: this.shared.inputName, guided }, (info) => ortGradients(info, x, call));
    return result?.outputs ? this.router.used('onnxruntime', { gradients: result.gradient.data, outputs: result.outputs }) : undefined;
  }

  /**
   * ∂ CE(logits_i, y_i) / ∂ x_i per row with the per-row loss and probabilities, in one backward
   * pass: on onnxruntime the loss head is compiled into the gradient graph (backward/loss-head.ts); the
   * tfjs interpreter differentiates the same loss with tf.grad. For a graph ending in Softmax the logits
   * are that Softmax's input, so the loss is −log p_y.
   */
  async lossGradients(x: Tensor, labels: Int32Array, options: LossGradientOptions = {}): Promise<LossGradients> {
    checkLossLabels(this.task, labels, x.shape[0] ?? 0, this.outputWidth, this.shared.source, options.loss);
    checkInput(x, this.inputSpec, this.shared.source);
    const viaOrt = await this.router.viaOrt('loss|cross-entropy', [this.shared.head.logitsTensor], { source: this.shared.inputName, guided: false, crossEntropy: true }, (info) => ortLossGradients(info, x, labels, this.outputWidth, this.shared.source, options.signal));
    if (viaOrt) return this.router.used('onnxruntime', viaOrt);
    const n = x.shape[0] ?? 0;
    const rowSize = x.data.length / Math.max(1, n);
    const gradient = new Float32Array(x.data.length);
    const loss = new Float32Array(n);
    const probabilities = new Float32Array(n * this.outputWidth);
    await this.batches(x, options.signal, async (xt, start, end) => {
      const tf = this.shared.tf;
      const y = labels.subarray(start, end);
      const [g, l, p] = tfjsLossGradients(tf, xt, (input) => crossEntropyRows(tf, this.head(input, 'logits', 'default'), y), (input) => this.head(input, 'probabilities', 'default'));
      gradient.set((await g.data()) as Float32Array, start * rowSize);
      loss.set((await l.data()) as Float32Array, start);
      probabilities.set((await p.data()) as Float32Array, start * this.outputWidth);
      g.dispose();
      l.dispose();
      p.dispose();
    });
    return this.router.used('tfjs', { gradient, loss, probabilities });
  }

  /** Values of named intermediate tensors (graph/NCHW layout). */
  async activations(x: Tensor, names: readonly string[]): Promise<Record<string, Tensor>> {
    for (const name of names) this.checkLayer(name);
    checkInput(x, this.inputSpec, this.shared.source);
    const viaOrt = await this.router.viaOrt(`activations|${names.join('\u0000')}`, names, undefined, (info) => ortActivations(info, x, names));
    if (viaOrt) return viaOrt;
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
    checkInput(x, this.inputSpec, this.shared.source);
    const guided = options.relu === 'guided';
    const call = { source: layer, target, output: options.output ?? 'logits', guided, width: this.outputWidth, modelName: this.shared.source, ...(options.signal ? { signal: options.signal } : {}) } as const;
    if (layer !== this.shared.inputName) {
      const viaOrt = await this.router.viaOrt(`layer|${layer}|${guided}`, [layer], { source: layer, guided }, (info) => ortGradients(info, x, call));
      if (viaOrt?.activation) return this.router.used('onnxruntime', { activation: viaOrt.activation, gradient: viaOrt.gradient });
    }
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
    return this.router.used('tfjs', { activation: { data: concatFloat32(acts), shape: full }, gradient: { data: concatFloat32(grads), shape: full } });
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

  /** The same graph with some initializers replaced (float32, by name); onnxruntime and tfjs both use them. */
  withWeights(weights: ReadonlyMap<string, HostTensor>): OnnxGradModel {
    const current = new Map<string, HostTensor>(this.weights ?? []);
    for (const [name, t] of weights) current.set(name, t);
    return new OnnxGradModel(this.shared, current);
  }

  /** A copy whose parameters in `layers` are re-initialised (seeded; PyTorch default uniform ±1/√fan_in). */
  withRandomizedLayers(layers: readonly string[], seed: number): OnnxGradModel {
    return new OnnxGradModel(this.shared, randomizedWeights(this.shared.graph, layers, seed, graphConstants(this.shared.graph, this.weights)));
  }

  async dispose(): Promise<void> {
    this.tfjsInterpreter?.dispose();
    this.tfjsInterpreter = undefined;
    await this.router.ort?.engine.dispose();
    if (this.plain) await (await this.plain).dispose();
  }
}
