import { GlassboxError, throwIfAborted } from '../../errors.js';
import type { LossGradients } from '../capabilities.js';
import { concatFloat32, type Tensor } from '../tensor.js';
import type { LossSpec } from './backward/loss-head.js';
import type { OutputSpace } from './adapter.js';
import { gradientSeed, hostOutputs, type HostHead } from './host-head.js';
import type { OrtGradientEngine } from './ort-engine.js';

/** What the onnxruntime paths of the adapter need to know about the model. */
export interface OrtModelInfo {
  readonly engine: OrtGradientEngine;
  readonly inputName: string;
  readonly logitsTensor: string;
  readonly head: HostHead;
  readonly batchSize: number;
}

/** Calls `work` per batch of at most `batchSize` rows with a zero-copy view of those rows. */
async function eachBatch(info: OrtModelInfo, x: Tensor, signal: AbortSignal | undefined, work: (rows: Float32Array, shape: number[], start: number, end: number) => Promise<void>): Promise<void> {
  const nRows = x.shape[0] ?? 0;
  const rowSize = x.data.length / Math.max(1, nRows);
  for (let start = 0; start < nRows; start += info.batchSize) {
    throwIfAborted(signal);
    const end = Math.min(nRows, start + info.batchSize);
    await work(x.data.subarray(start * rowSize, end * rowSize), [end - start, ...x.shape.slice(1)], start, end);
  }
}

/** Outputs in the chosen space, [rows, width] row-major. */
export async function ortForward(info: OrtModelInfo, x: Tensor, output: OutputSpace, width: number, signal?: AbortSignal): Promise<Float32Array> {
  const out = new Float32Array((x.shape[0] ?? 0) * width);
  await eachBatch(info, x, signal, async (rows, shape, start, end) => {
    const raw = (await info.engine.run(rows, shape, [info.logitsTensor])).outputs.get(info.logitsTensor)!.data;
    out.set(hostOutputs(info.head, raw, end - start, output), start * width);
  });
  return out;
}

/** Per-row class indices, checked against the output width. */
export function targetIndices(target: number | readonly number[] | Int32Array, start: number, end: number, width: number, source: string): Int32Array {
  const idx = new Int32Array(end - start);
  for (let i = 0; i < idx.length; i++) {
    const t = typeof target === 'number' ? target : target[start + i] ?? -1;
    if (!(Number.isInteger(t) && t >= 0 && t < width)) {
      throw new GlassboxError('invalid_argument', `${source}: gradient target ${t} is outside the ${width} output columns.`, { argument: 'target', hint: `Use a class index in [0, ${width - 1}].` });
    }
    idx[i] = t;
  }
  return idx;
}

export interface OrtGradientCall {
  readonly source: string;
  readonly target: number | readonly number[] | Int32Array;
  readonly output: OutputSpace;
  readonly guided: boolean;
  readonly width: number;
  readonly modelName: string;
  readonly signal?: AbortSignal;
  /** Also return the model's outputs (logits space) from the same pass. */
  readonly withOutputs?: boolean;
}

/**
 * d output[target] / d `source` for every row (and the source's value when it is an intermediate
 * tensor). Probabilities need the logits first: one extra forward pass per batch.
 */
export async function ortGradients(info: OrtModelInfo, x: Tensor, call: OrtGradientCall): Promise<{ gradient: Tensor; activation?: Tensor; outputs?: Float32Array }> {
  const isInput = call.source === info.inputName;
  const outputs = [...(isInput ? [] : [call.source]), ...(call.withOutputs ? [info.logitsTensor] : [])];
  const modelOutputs = call.withOutputs ? new Float32Array((x.shape[0] ?? 0) * call.width) : undefined;
  const request = { source: call.source, target: info.logitsTensor, guided: call.guided };
  const grads: Float32Array[] = [];
  const acts: Float32Array[] = [];
  let dims: readonly number[] = x.shape;
  await eachBatch(info, x, call.signal, async (rows, shape, start, end) => {
    const targets = targetIndices(call.target, start, end, call.width, call.modelName);
    let probs: Float32Array | undefined;
    if (call.output === 'probabilities' && !info.head.regression) {
      const raw = (await info.engine.run(rows, shape, [info.logitsTensor])).outputs.get(info.logitsTensor)!.data;
      probs = hostOutputs(info.head, raw, end - start, 'probabilities');
    }
    const result = await info.engine.run(rows, shape, outputs, { ...request, seed: gradientSeed(info.head, targets, call.output, probs) });
    grads.push(result.gradient!);
    if (modelOutputs) modelOutputs.set(hostOutputs(info.head, result.outputs.get(info.logitsTensor)!.data, end - start, 'logits'), start * call.width);
    if (!isInput) {
      const act = result.outputs.get(call.source)!;
      acts.push(act.data);
      dims = act.dims;
    }
  });
  const full = [x.shape[0] ?? 0, ...dims.slice(1)];
  return {
    gradient: { data: concatFloat32(grads), shape: full },
    ...(isInput ? {} : { activation: { data: concatFloat32(acts), shape: full } }),
    ...(modelOutputs ? { outputs: modelOutputs } : {}),
  };
}

/** Values of named tensors, [rows, …] each. */
export async function ortActivations(info: OrtModelInfo, x: Tensor, names: readonly string[]): Promise<Record<string, Tensor>> {
  const parts = new Map<string, Float32Array[]>(names.map((n) => [n, []]));
  const dims = new Map<string, readonly number[]>();
  await eachBatch(info, x, undefined, async (rows, shape) => {
    const result = await info.engine.run(rows, shape, names);
    for (const name of names) {
      const t = result.outputs.get(name)!;
      parts.get(name)!.push(t.data);
      dims.set(name, t.dims);
    }
  });
  const nRows = x.shape[0] ?? 0;
  return Object.fromEntries(names.map((name) => [name, { data: concatFloat32(parts.get(name)!), shape: [nRows, ...(dims.get(name) ?? [0]).slice(1)] }]));
}

/** The cross-entropy loss head for this model's logits (see backward/loss-head.ts). */
export function crossEntropySpec(info: OrtModelInfo): LossSpec {
  return { kind: 'cross-entropy', rawWidth: info.head.rawWidth, binarySingle: info.head.binarySingle };
}

/**
 * ∂ CE(logits_i, y_i) / ∂ x_i for every row, with the per-row loss and the probabilities, from one
 * onnxruntime pass per batch (the loss head is compiled into the graph).
 */
export async function ortLossGradients(info: OrtModelInfo, x: Tensor, labels: Int32Array, width: number, modelName: string, signal?: AbortSignal): Promise<LossGradients> {
  const n = x.shape[0] ?? 0;
  const gradient = new Float32Array(x.data.length);
  const loss = new Float32Array(n);
  const probabilities = new Float32Array(n * width);
  const rowSize = x.data.length / Math.max(1, n);
  const request = { source: info.inputName, target: info.logitsTensor, guided: false, loss: crossEntropySpec(info) };
  let oneHot = new Float32Array(0);
  await eachBatch(info, x, signal, async (rows, shape, start, end) => {
    const targets = targetIndices(labels, start, end, width, modelName);
    if (oneHot.length !== targets.length * width) oneHot = new Float32Array(targets.length * width);
    else oneHot.fill(0);
    for (let i = 0; i < targets.length; i++) oneHot[i * width + targets[i]!] = 1;
    const result = await info.engine.run(rows, shape, [info.logitsTensor], { ...request, seed: oneHot });
    gradient.set(result.gradient!, start * rowSize);
    loss.set(result.loss!, start);
    probabilities.set(hostOutputs(info.head, result.outputs.get(info.logitsTensor)!.data, end - start, 'probabilities'), start * width);
  });
  return { gradient, loss, probabilities };
}
