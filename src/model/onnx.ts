import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { GlassboxError, throwIfAborted } from '../errors.js';
import { checkInput, positiveInt } from './batch-predict.js';
import type { InputColumn, InputSpec, Model, PredictOptions, Task } from './model.js';
import type { Stochastic } from './capabilities.js';
import { columnFeeds, hasColumnInputs, readColumnInputs, type ColumnFeed } from './onnx-columns.js';
import { mayHaveDropout, rewriteDropout } from './onnx-dropout-rewrite.js';
import { OnnxMcDropout } from './onnx-mc-dropout.js';
import { kindFromProducer, outputProducerOp } from './onnx-graph.js';
import { OutputTransform, resolveTask, type OutputKind } from './output-transform.js';
import type { Tensor } from './tensor.js';
import { onnxSessionOptions } from './onnx-session-options.js';

export { onnxSessionOptions };

export interface OnnxModelOptions {
  /** Graph input to feed (default: the only input). */
  readonly inputName?: string;
  /** Graph output to read (default: the first output). */
  readonly outputName?: string;
  /** Rows per session.run (default 1024). */
  readonly batchSize?: number;
  /** onnxruntime intra-op threads (default: onnxruntime's choice, one per physical core). */
  readonly threads?: number;
  /** What the output holds (default 'auto': the graph's head op, else the values; see OutputTransform). */
  readonly outputKind?: OutputKind;
  readonly task?: Task;
  /** Class labels in output-column order. */
  readonly classes?: readonly string[];
}

export interface OnnxModel extends Model {
  /** The onnxruntime session, for tests and for reading extra outputs. */
  readonly session: ort.InferenceSession;
  readonly inputName: string;
  readonly outputName: string;
  readonly batchSize: number;
  /** Raw output kind as resolved so far (undefined until 'auto' has seen outputs, or for regression). */
  readonly outputKind: 'probabilities' | 'logits' | undefined;
  /** Seeded MC-dropout passes [samples, n, K]; present only when the graph has Dropout nodes (see onnx-mc-dropout.ts). */
  readonly sample?: Stochastic['sample'];
  /** Why a graph with Dropout nodes offers no `sample`. */
  readonly mcDropoutNote?: string;
  dispose(): Promise<void>;
}

/**
 * Loads an ONNX model with onnxruntime-node as a glassbox Model: dynamic batch, predictions in
 * batches of `batchSize` over zero-copy views of the input, logits turned into probabilities.
 * Throws a GlassboxError for a missing file, a file that is not ONNX, an unknown input/output name,
 * a non-float32 input; `predict` throws for an input width the model does not take.
 */
export async function loadOnnxModel(pathOrBytes: string | Uint8Array, options: OnnxModelOptions = {}): Promise<OnnxModel> {
  const source = typeof pathOrBytes === 'string' ? pathOrBytes : 'ONNX model';
  const batchSize = positiveInt(options.batchSize, 1024, 'batchSize', source);
  const threads = options.threads === undefined ? undefined : positiveInt(options.threads, 1, 'threads', source);
  const bytes = typeof pathOrBytes === 'string' ? await readModelFile(pathOrBytes) : pathOrBytes;
  const session = await createSession(bytes, source, threads);
  try {
    const columns = options.inputName === undefined && hasColumnInputs(session.inputMetadata) ? readColumnInputs(session.inputMetadata, bytes, source) : undefined;
    const input = columns ? undefined : pickValue(session.inputMetadata, options.inputName, 'input', source);
    const output = pickValue(session.outputMetadata, options.outputName, 'output', source);
    if (output.type !== 'float32') {
      throw new GlassboxError('unsupported_model', `${source}: output "${output.name}" is ${output.type}; the ONNX adapter reads float32 scores`, { file: source, argument: 'outputName', hint: 'Pick the probability/logit output with outputName (not a label output).' });
    }
    const inputSpec = input ? makeInputSpec(input, source) : columnsInputSpec(columns!);
    const rawWidth = input ? await outputWidth(session, input, output, inputSpec, source) : await columnsOutputWidth(session, columns!, output);
    const { task, classes } = resolveTask(options, rawWidth, source);
    let kind = options.outputKind ?? 'auto';
    if (kind === 'auto' && task !== 'regression') kind = kindFromProducer(outputProducerOp(bytes, output.name)) ?? 'auto';
    const transform = new OutputTransform({ task, rawWidth, kind, source });
    const dims = output.shape.slice(1);
    const outputDims = dims.every((d): d is number => typeof d === 'number' && d > 0) ? dims : undefined;
    const mcDropout = task === 'regression' || columns ? undefined : mcDropoutFor(bytes, { source, inputName: inputSpec.name, outputName: output.name, inputSpec, batchSize, rawWidth, outputWidth: transform.outputWidth, transform, sessionOptions: onnxSessionOptions(threads) });
    return new OnnxAdapter({ session, source, inputName: inputSpec.name, outputName: output.name, inputSpec, batchSize, task, classes, transform, rawWidth, outputDims, ...mcDropout, ...(columns ? { columns } : {}) });
  } catch (error) {
    await session.release();
    throw error;
  }
}

/**
 * MC dropout for a graph with Dropout nodes (see onnx-mc-dropout.ts); a graph whose Dropout cannot be
 * rewritten keeps predicting and says why it is not stochastic.
 */
function mcDropoutFor(bytes: Uint8Array, config: Omit<ConstructorParameters<typeof OnnxMcDropout>[0], 'rewrite'>): { mcDropout?: OnnxMcDropout; mcDropoutNote?: string } {
  if (!mayHaveDropout(bytes)) return {};
  try {
    const rewrite = rewriteDropout(bytes, config.source);
    return rewrite ? { mcDropout: new OnnxMcDropout({ ...config, rewrite }) } : {};
  } catch (error) {
    return { mcDropoutNote: (error as Error).message };
  }
}

/** The bytes of a model file, or an io_error naming the path (missing file or unreadable). */
export async function readModelFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw new GlassboxError('io_error', missing ? `ONNX model file ${path} does not exist` : `Cannot read ONNX model file ${path}: ${(cause as Error).message}`, {
      file: path,
      hint: 'Check the --model path.',
    }, { cause });
  }
}

async function createSession(bytes: Uint8Array, source: string, threads: number | undefined): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes, onnxSessionOptions(threads));
  } catch (cause) {
    const reason = (cause as Error).message.split('\n')[0] ?? '';
    throw new GlassboxError('unsupported_model', `${source} is not an ONNX model onnxruntime can load: ${reason}`, {
      file: source,
      hint: 'Pass a .onnx file exported by torch.onnx.export, tf2onnx or skl2onnx (opset 7 or later).',
    }, { cause });
  }
}

type Meta = ort.InferenceSession.ValueMetadata;

function pickValue(list: readonly Meta[], name: string | undefined, what: 'input' | 'output', source: string): Meta & { isTensor: true } {
  const names = list.map((m) => m.name);
  const argument = `${what}Name`;
  if (name === undefined && what === 'input' && list.length > 1) {
    throw new GlassboxError('invalid_argument', `${source} has ${list.length} inputs (${names.join(', ')}); say which one to feed`, { argument, file: source, hint: `Pass inputName (one of ${names.join(', ')}); models with several required inputs are not supported.` });
  }
  const meta = name === undefined ? list[0] : list.find((m) => m.name === name);
  if (meta === undefined) {
    throw new GlassboxError('invalid_argument', `${source} has no ${what} named "${name ?? ''}"; its ${what}s are ${names.join(', ')}`, { argument, file: source, hint: `Pass ${argument} as one of: ${names.join(', ')}.` });
  }
  if (!meta.isTensor) {
    throw new GlassboxError('unsupported_model', `${source}: ${what} "${meta.name}" is not a tensor (e.g. a sequence of maps from ZipMap)`, { file: source, hint: 'Export the model without ZipMap (skl2onnx: options={"zipmap": False}) or pick a tensor output.' });
  }
  return meta;
}

function makeInputSpec(input: Meta & { isTensor: true }, source: string): InputSpec {
  if (input.type !== 'float32') {
    throw new GlassboxError('unsupported_model', `${source}: input "${input.name}" is ${input.type}; the ONNX adapter feeds float32 tensors`, { file: source, hint: 'Export the model with a float32 input (cast inside the graph if needed).' });
  }
  const shape = input.shape.map((d, i) => (i === 0 || typeof d !== 'number' || d < 0 ? null : d));
  return Object.freeze({ name: input.name, shape: Object.freeze(shape.length > 0 ? shape : [null]), dtype: 'float32' as const });
}

/** Output columns per row: from the output's static shape, or by running one zero row. */
async function outputWidth(session: ort.InferenceSession, input: Meta, output: Meta & { isTensor: true }, spec: InputSpec, source: string): Promise<number> {
  const dims = output.shape.slice(1);
  if (dims.every((d): d is number => typeof d === 'number' && d > 0)) return dims.reduce((a, b) => a * b, 1);
  if (spec.shape.slice(1).some((d) => d === null)) {
    throw new GlassboxError('unsupported_model', `${source}: neither the output width of "${output.name}" nor the input shape of "${input.name}" is fixed`, { file: source, hint: 'Export the model with fixed non-batch dimensions.' });
  }
  const inputDims = [1, ...spec.shape.slice(1).map((d) => d ?? 1)];
  const probe = new ort.Tensor('float32', new Float32Array(inputDims.reduce((a, b) => a * b, 1)), inputDims);
  const result = await session.run({ [input.name]: probe }, [output.name]);
  return result[output.name]!.size;
}

/** A column-input model takes one float per column: a number, or a category's code. */
function columnsInputSpec(columns: readonly ColumnFeed[]): InputSpec {
  return Object.freeze({ name: columns.map((c) => c.name).join(','), shape: Object.freeze([null, columns.length]), dtype: 'float32' as const });
}

async function columnsOutputWidth(session: ort.InferenceSession, columns: readonly ColumnFeed[], output: Meta & { isTensor: true }): Promise<number> {
  const dims = output.shape.slice(1);
  if (dims.every((d): d is number => typeof d === 'number' && d > 0)) return dims.reduce((a, b) => a * b, 1);
  const result = await session.run(columnFeeds(columns, new Float32Array(columns.length), 0, 1), [output.name]);
  return result[output.name]!.size;
}

interface AdapterConfig {
  readonly session: ort.InferenceSession;
  readonly source: string;
  readonly inputName: string;
  readonly outputName: string;
  readonly inputSpec: InputSpec;
  readonly batchSize: number;
  readonly task: Task;
  readonly classes: readonly string[];
  readonly transform: OutputTransform;
  readonly rawWidth: number;
  /** Static non-batch dims of the output, when known: then onnxruntime writes into our buffers. */
  readonly outputDims: readonly number[] | undefined;
  /** Present when the graph has Dropout nodes that could be rewritten for seeded MC dropout. */
  readonly mcDropout?: OnnxMcDropout;
  /** Why a graph with Dropout nodes is not stochastic. */
  readonly mcDropoutNote?: string;
  /** Raw-column inputs (one graph input per column); absent for a single float32 tensor input. */
  readonly columns?: readonly ColumnFeed[];
}

class OnnxAdapter implements OnnxModel {
  readonly session: ort.InferenceSession;
  readonly inputName: string;
  readonly outputName: string;
  readonly inputSpec: InputSpec;
  readonly batchSize: number;
  readonly task: Task;
  readonly classes: readonly string[];
  readonly outputWidth: number;
  /** MC-dropout passes [samples, n, K]; present only when the graph has Dropout nodes (so `isStochastic` holds only then). */
  readonly sample?: Stochastic['sample'];
  /** Why a graph with Dropout nodes offers no `sample`, if it does not. */
  readonly mcDropoutNote?: string;
  readonly inputColumns?: readonly InputColumn[];
  readonly #config: AdapterConfig;

  constructor(config: AdapterConfig) {
    this.#config = config;
    if (config.mcDropout) this.sample = config.mcDropout.sample;
    if (config.mcDropoutNote) this.mcDropoutNote = config.mcDropoutNote;
    ({ session: this.session, inputName: this.inputName, outputName: this.outputName, inputSpec: this.inputSpec, batchSize: this.batchSize, task: this.task, classes: this.classes } = config);
    this.outputWidth = config.transform.outputWidth;
    if (config.columns) this.inputColumns = Object.freeze(config.columns.map(({ name, kind, categories }) => Object.freeze({ name, kind, ...(categories ? { categories } : {}) })));
  }

  get outputKind(): 'probabilities' | 'logits' | undefined {
    return this.#config.transform.kind;
  }

  /**
   * Batches are zero-copy views of the caller's buffer. When the output shape is static, onnxruntime
   * writes each batch's output straight into the result (or into one scratch buffer per call for a
   * single binary column), and the logits→probabilities transform runs in place.
   */
  async predict(x: Tensor, options: PredictOptions = {}): Promise<Float32Array> {
    const { source, inputSpec, transform, rawWidth, outputDims, outputName } = this.#config;
    const { nRows, rowSize } = checkInput(x, inputSpec, source);
    const out = new Float32Array(nRows * this.outputWidth);
    const fixed = inputSpec.shape.slice(1);
    const rowDims = fixed.every((d): d is number => d !== null) ? fixed : x.shape.slice(1);
    const scratch = outputDims !== undefined && !transform.inPlace ? new Float32Array(Math.min(nRows, this.batchSize) * rawWidth) : undefined;
    for (let start = 0; start < nRows; start += this.batchSize) {
      throwIfAborted(options.signal);
      const end = Math.min(nRows, start + this.batchSize);
      const n = end - start;
      const feeds = this.#config.columns ? columnFeeds(this.#config.columns, x.data, start, n) : { [this.inputName]: new ort.Tensor('float32', x.data.subarray(start * rowSize, end * rowSize), [n, ...rowDims]) };
      const target = outputDims === undefined ? undefined : scratch ? scratch.subarray(0, n * rawWidth) : out.subarray(start * rawWidth, end * rawWidth);
      const fetched = await this.#run(feeds, n, target, start);
      if (target !== undefined && scratch === undefined) transform.finishInPlace(out, start, n);
      else transform.write(target ?? (fetched[outputName]!.data as Float32Array), n, out, start);
    }
    return out;
  }

  #run(feeds: Record<string, ort.Tensor>, n: number, target: Float32Array | undefined, start: number): Promise<ort.InferenceSession.ReturnType> {
    const { session, outputName, outputDims, source } = this.#config;
    const running = target !== undefined ? session.run(feeds, { [outputName]: new ort.Tensor('float32', target, [n, ...outputDims!]) }) : session.run(feeds, [outputName]);
    return running.catch((cause: unknown) => {
      throw new GlassboxError('model_error', `${source}: onnxruntime failed on rows ${start}..${start + n - 1} (batch of ${n} rows): ${(cause as Error).message.split('\n')[0] ?? ''}`, { file: source, row: start }, { cause });
    });
  }

  async dispose(): Promise<void> {
    await this.#config.mcDropout?.dispose();
    await this.session.release();
  }
}
