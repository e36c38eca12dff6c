import { z } from 'zod';
import { GlassboxError, throwIfAborted } from '../../errors.js';
import type { Differentiable, GradientTarget } from '../../model/capabilities.js';
import type { Model } from '../../model/model.js';
import type { Tensor } from '../../model/tensor.js';
import type { Attribution } from '../attribution.js';
import type { ExplainContext, ExplainerProperties } from '../explainer.js';
import { assertCapabilities } from '../requirements.js';
import { resolveTarget } from '../target.js';

/** A model gradient methods can explain. */
export type GradientModel = Model & Differentiable;

export type OutputSpace = 'logits' | 'probabilities';

/** Optional extras an adapter may offer beyond Differentiable (the onnx-grad adapter does). */
interface ForwardCapable {
  forward(x: Tensor, options?: { output?: OutputSpace; signal?: AbortSignal }): Promise<Float32Array>;
}
interface GuidedCapable {
  readonly supportsGuidedRelu: true;
}

export const outputSchema = z.enum(['logits', 'probabilities']).default('logits');

export const gradientProperties = (completeness: boolean, stochastic: boolean): ExplainerProperties =>
  Object.freeze({ completeness, stochastic, access: 'gradients', players: 'pixels' });

/** Model outputs in the chosen space; logits need an adapter with `forward` (onnx-grad has it). */
export async function modelOutputs(model: Model, x: Tensor, output: OutputSpace, signal?: AbortSignal): Promise<Float32Array> {
  const forward = (model as Partial<ForwardCapable>).forward;
  if (typeof forward === 'function') return forward.call(model, x, { output, ...(signal ? { signal } : {}) });
  if (output === 'probabilities') return model.predict(x, signal ? { signal } : {});
  throw new GlassboxError('missing_capability', 'This model cannot report logits (it has no forward(x, { output }) method).', {
    argument: 'output',
    hint: "Explain probabilities with { output: 'probabilities' }, or load the model with loadOnnxGradModel.",
  });
}

/** Input gradients, optionally with the guided-backprop ReLU rule. */
export function gradientsOf(model: GradientModel, x: Tensor, target: GradientTarget, output: OutputSpace, options: { signal?: AbortSignal; guided?: boolean } = {}): Promise<Float32Array> {
  if (options.guided && (model as Partial<GuidedCapable>).supportsGuidedRelu !== true) {
    throw new GlassboxError('missing_capability', 'Guided backprop needs an adapter that can override ReLU gradients.', {
      argument: 'model',
      hint: 'Load the model with loadOnnxGradModel (ONNX) to use guided backprop and guided Grad-CAM.',
    });
  }
  const opts = { output, ...(options.signal ? { signal: options.signal } : {}), ...(options.guided ? { relu: 'guided' as const } : {}) };
  return model.inputGradients(x, target, opts);
}

/** Checks the input tensor before any work. */
export function checkTensor(method: string, x: Tensor): { nRows: number; rowSize: number } {
  const nRows = x.shape[0] ?? 0;
  const rowSize = x.shape.slice(1).reduce((a, b) => a * b, 1);
  if (x.shape.length < 2 || nRows < 1 || x.data.length !== nRows * rowSize) {
    throw new GlassboxError('shape_mismatch', `${method}: x has shape [${x.shape.join(', ')}] and ${x.data.length} values; a batch-major tensor [rows, …] with at least one row is needed.`, {
      argument: 'x',
      hint: 'Pass images as [N, C, H, W] and tabular rows as [N, features].',
    });
  }
  for (let i = 0; i < x.data.length; i++) {
    if (!Number.isFinite(x.data[i]!)) {
      throw new GlassboxError('invalid_input', `${method}: x holds a non-finite value at row ${Math.floor(i / rowSize)}, position ${i % rowSize}.`, { argument: 'x', row: Math.floor(i / rowSize), hint: 'Impute or drop rows with NaN/Infinity before explaining.' });
    }
  }
  return { nRows, rowSize };
}

export interface Prepared {
  readonly nRows: number;
  readonly rowSize: number;
  /** Outputs in the explained space, [rows, width]. */
  readonly outputs: Float32Array;
  readonly target: Int32Array;
  /** Explained output per row. */
  readonly explained: Float64Array;
}

/** Validates, checks capabilities, computes outputs and resolves targets — everything before the long work. */
export async function prepare(method: string, requires: readonly ('differentiable')[], model: Model, x: Tensor, context: ExplainContext<Tensor>, output: OutputSpace): Promise<Prepared> {
  assertCapabilities(method, requires, model);
  const { nRows, rowSize } = checkTensor(method, x);
  throwIfAborted(context.signal);
  const outputs = await modelOutputs(model, x, output, context.signal);
  const target = resolveTarget(context.target, outputs, nRows, model);
  return preparedFrom(model, nRows, rowSize, outputs, target);
}

function preparedFrom(model: Model, nRows: number, rowSize: number, outputs: Float32Array, target: Int32Array): Prepared {
  const width = model.outputWidth;
  const explained = new Float64Array(nRows);
  for (let r = 0; r < nRows; r++) explained[r] = outputs[r * width + target[r]!]!;
  return { nRows, rowSize, outputs, target, explained };
}

/** Adapters that return the logits with their input gradients from one pass (onnx-grad on onnxruntime). */
interface FusedCapable {
  inputGradientsWithOutputs(x: Tensor, target: GradientTarget, options?: { signal?: AbortSignal; relu?: 'default' | 'guided' }): Promise<{ gradients: Float32Array; outputs: Float32Array } | undefined>;
}

/** Whether the target columns are known before seeing the outputs (not "the predicted class"). */
function targetNeedsNoOutputs(selector: ExplainContext<Tensor>['target'], task: Model['task']): boolean {
  if (selector === undefined) return task !== 'multiclass';
  return selector !== 'predicted';
}

/**
 * prepare + input gradients. With explicit targets, logits and an adapter that can (onnx-grad on
 * onnxruntime) the outputs come from the gradient pass itself, as in captum, instead of an extra
 * forward pass.
 */
export async function prepareWithGradients(method: string, requires: readonly ('differentiable')[], model: GradientModel, x: Tensor, context: ExplainContext<Tensor>, output: OutputSpace, guided: boolean): Promise<{ prepared: Prepared; grads: Float32Array }> {
  const fused = (model as Partial<FusedCapable>).inputGradientsWithOutputs;
  const signal = context.signal ? { signal: context.signal } : {};
  if (typeof fused === 'function' && output === 'logits' && targetNeedsNoOutputs(context.target, model.task)) {
    assertCapabilities(method, requires, model);
    const { nRows, rowSize } = checkTensor(method, x);
    throwIfAborted(context.signal);
    const target = resolveTarget(context.target, new Float32Array(0), nRows, model);
    const result = await fused.call(model, x, target, { ...signal, ...(guided ? { relu: 'guided' as const } : {}) });
    if (result) return { prepared: preparedFrom(model, nRows, rowSize, result.outputs, target), grads: result.gradients };
  }
  const prepared = await prepare(method, requires, model, x, context, output);
  return { prepared, grads: await gradientsOf(model, x, prepared.target, output, { ...signal, guided }) };
}

/** Names for each value of a row: `x<i>` for flat rows, `c<c>h<h>w<w>` for images (omitted past 4,096 values). */
export function featureNamesFor(shape: readonly number[]): string[] {
  const per = shape.slice(1);
  const size = per.reduce((a, b) => a * b, 1);
  if (size > 4096) return [];
  if (per.length === 1) return Array.from({ length: size }, (_, i) => `x${i}`);
  if (per.length === 3) {
    const [c, h, w] = per as [number, number, number];
    const names: string[] = [];
    for (let ci = 0; ci < c; ci++) for (let hi = 0; hi < h; hi++) for (let wi = 0; wi < w; wi++) names.push(`c${ci}h${hi}w${wi}`);
    return names;
  }
  return Array.from({ length: size }, (_, i) => `v${i}`);
}

/** Reports completion, then honours a cancellation that arrived during the last step. */
export function finishWork(context: ExplainContext<Tensor>, total: number): void {
  context.onProgress?.(total, total);
  throwIfAborted(context.signal);
}

export function buildAttribution(parts: {
  method: string;
  values: Float64Array;
  shape: readonly number[];
  prepared: Prepared;
  options: Readonly<Record<string, unknown>>;
  baseValues?: Float64Array;
  delta?: Float64Array;
  seed?: number;
  stderr?: Float64Array;
  extras?: Readonly<Record<string, unknown>>;
}): Attribution {
  const { prepared } = parts;
  return Object.freeze({
    method: parts.method,
    values: parts.values,
    shape: [...parts.shape],
    baseValues: parts.baseValues ?? new Float64Array(prepared.nRows),
    outputs: prepared.explained,
    featureNames: featureNamesFor(parts.shape),
    target: prepared.target,
    options: parts.options,
    ...(parts.seed === undefined ? {} : { seed: parts.seed }),
    ...(parts.delta ? { delta: parts.delta } : {}),
    ...(parts.stderr ? { stderr: parts.stderr } : {}),
    ...(parts.extras ? { extras: parts.extras } : {}),
  });
}

/** Smallest and largest value of one input row (the "input range" SmoothGrad's σ and noise baselines scale by). */
export function valueRange(row: Float32Array): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of row) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return { lo, hi };
}
