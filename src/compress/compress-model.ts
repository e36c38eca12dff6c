import { GlassboxError } from '../errors.js';
import type { NamedWeights, Trainable } from '../model/capabilities.js';
import type { Model } from '../model/model.js';
import { channelPrune } from './channel-prune.js';
import { magnitudePrune } from './magnitude-prune.js';
import { sparsityOf } from './prunable.js';
import { quantizeWeights } from './quantize.js';
import type { QuantizedWeight } from './quantize.js';

/** What to do to a model's weights. */
export type CompressionSpec =
  | { readonly method: 'prune'; readonly sparsity: number; readonly scope?: 'global' | 'layer' }
  | { readonly method: 'prune-channels'; readonly sparsity: number }
  | { readonly method: 'quantize'; readonly bits?: number; readonly granularity?: 'per-tensor' | 'per-channel' };

export interface CompressOptions {
  /**
   * Output channel axis of the weights: 'last' for TF.js/Keras kernels, 'first' for ONNX/PyTorch weights.
   * Default: 'last' when every weight compressed is named …/kernel (the Keras convention), else 'first'.
   */
  readonly channelAxis?: 'first' | 'last';
  /** Weights to compress (default: the trainable float tensors of rank ≥ 2). */
  readonly parameters?: readonly string[];
}

export interface CompressionSummary {
  readonly method: CompressionSpec['method'];
  readonly spec: CompressionSpec;
  readonly parameters: readonly string[];
  /** Exact share of zero weights among the compressed tensors afterwards. */
  readonly sparsity: number;
  readonly perWeightSparsity: Readonly<Record<string, number>>;
  readonly quantized?: readonly QuantizedWeight[];
  readonly channelAxis: 'first' | 'last';
}

export interface CompressedModel<M> {
  readonly model: M;
  /** For pruning: 0/1 per weight, to keep pruned weights at 0 while fine-tuning (`fit(…, { masks })`). */
  readonly masks?: ReadonlyMap<string, Float32Array>;
  readonly summary: CompressionSummary;
}

/**
 * A compressed copy of a Trainable model (the original is untouched): its weights pruned or quantized
 * and written back with setWeights, so `save` writes a TF.js folder or an ONNX file with the
 * initializers replaced. The weights compressed by default are the trainable tensors of rank ≥ 2.
 */
export async function compressModel<M extends Model & Trainable>(model: M, spec: CompressionSpec, options: CompressOptions = {}): Promise<CompressedModel<M>> {
  const weights = model.getWeights();
  const biases = model.filterBiases?.() ?? filterBiases(weights);
  const parameters = options.parameters ?? (await trainableMatrices(model, weights, new Set(biases.values())));
  const channelAxis = options.channelAxis ?? (parameters.every((p) => /(^|\/)kernel$/.test(p)) ? 'last' : 'first');
  const copy = (await model.clone()) as M;
  if (spec.method === 'quantize') {
    const q = quantizeWeights(weights, { parameters, channelAxis, ...(spec.bits !== undefined ? { bits: spec.bits } : {}), ...(spec.granularity ? { granularity: spec.granularity } : {}) });
    await copy.setWeights(q.weights);
    const s = sparsityOf(copy.getWeights(), parameters);
    return { model: copy, summary: { method: spec.method, spec, parameters, sparsity: s.overall, perWeightSparsity: s.perWeight, quantized: q.quantized, channelAxis } };
  }
  const pruned =
    spec.method === 'prune'
      ? magnitudePrune(weights, { sparsity: spec.sparsity, parameters, ...(spec.scope ? { scope: spec.scope } : {}) })
      : channelPrune(weights, { sparsity: spec.sparsity, channelAxis, parameters: parameters.filter((p) => weights.get(p)!.shape.length === 4), biases });
  await copy.setWeights(pruned.weights);
  return { model: copy, masks: pruned.masks, summary: { method: spec.method, spec, parameters: [...pruned.masks.keys()], sparsity: pruned.sparsity, perWeightSparsity: pruned.perWeight, channelAxis } };
}

/**
 * The trainable parameters of rank ≥ 2, in the model's order (asked through its training graph), except
 * filter biases stored with extra unit axes ([1, C, 1, 1]), which are not filter banks.
 */
async function trainableMatrices(model: Trainable, weights: NamedWeights, biases: ReadonlySet<string>): Promise<string[]> {
  const graph = await model.trainingGraph();
  try {
    const names = graph.parameters.map((p) => p.name).filter((name) => (weights.get(name)?.shape.length ?? 0) >= 2 && !biases.has(name));
    if (names.length === 0) throw new GlassboxError('unsupported_model', 'The model has no trainable weight matrix or filter bank to compress.', { hint: 'Compression acts on the trainable tensors of rank ≥ 2 (Conv, Dense/Gemm/MatMul weights).' });
    return names;
  } finally {
    graph.dispose();
  }
}

/**
 * The bias beside each filter bank by name, where both exist: conv/kernel → conv/bias (Keras) and
 * conv1.weight → conv1.bias (PyTorch's ONNX export), so channel pruning also zeroes a pruned filter's bias
 * and the channel outputs 0, not its bias. Models that know the pairing from their structure (ONNX graphs,
 * `Trainable.filterBiases`) are asked instead.
 */
export function filterBiases(weights: NamedWeights): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of weights.keys()) {
    const bias = name.replace(/kernel$/, 'bias').replace(/([./]|^)weight$/, '$1bias');
    if (bias !== name && weights.has(bias)) out.set(name, bias);
  }
  return out;
}
