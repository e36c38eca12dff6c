import { GlassboxError } from '../errors.js';
import type { NamedWeights } from '../model/capabilities.js';
import { applyMasks, checkSparsity } from './magnitude-prune.js';
import type { PruneResult } from './magnitude-prune.js';

export interface ChannelPruneOptions {
  /** Fraction of output channels (filters) of each convolution zeroed, in [0, 1). */
  readonly sparsity: number;
  /**
   * Where a convolution filter's output channel sits: 'last' for TF.js/Keras kernels [kh, kw, in, out],
   * 'first' for ONNX/PyTorch weights [out, in, kh, kw].
   */
  readonly channelAxis: 'first' | 'last';
  /** Convolution weights to prune (default: every tensor of rank 4). */
  readonly parameters?: readonly string[];
  /** The bias of each filter bank, by weight name (e.g. conv1/kernel → conv1/bias): zeroed with its filters so the channel is off. */
  readonly biases?: ReadonlyMap<string, string>;
}

/**
 * Structured channel pruning (Li, Kadav, Durdanovic, Samet & Graf, "Pruning filters for efficient
 * ConvNets", ICLR 2017): in each convolution, the round(sparsity × filters) output filters of smallest
 * L1 norm Σ|w| are set to 0 (ties: the lower channel index goes first), together with their bias when
 * `biases` names it. The tensors keep their shapes, so the file still loads as before.
 */
export function channelPrune(weights: NamedWeights, options: ChannelPruneOptions): PruneResult {
  checkSparsity(options.sparsity);
  const names = options.parameters ?? [...weights].filter(([, t]) => t.shape.length === 4).map(([n]) => n);
  if (names.length === 0) throw new GlassboxError('unsupported_model', 'Structured pruning found no convolution weight (rank 4) to prune.', { hint: 'Use --method prune with unstructured magnitude pruning for models without convolutions, or name the weights.' });
  const masks = new Map<string, Float32Array>();
  for (const name of names) {
    const w = weights.get(name);
    if (!w) throw new GlassboxError('invalid_argument', `The model has no weight named '${name}'.`, { argument: 'parameters' });
    const axis = options.channelAxis === 'first' ? 0 : w.shape.length - 1;
    const channels = w.shape[axis]!;
    const inner = w.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const channelOf = (i: number): number => Math.floor(i / inner) % channels;
    const norms = new Float64Array(channels);
    for (let i = 0; i < w.data.length; i++) norms[channelOf(i)]! += Math.abs(w.data[i]!);
    const order = Array.from({ length: channels }, (_, c) => c).sort((a, b) => norms[a]! - norms[b]! || a - b);
    const pruned = new Set(order.slice(0, Math.round(options.sparsity * channels)));
    const mask = new Float32Array(w.data.length);
    for (let i = 0; i < mask.length; i++) mask[i] = pruned.has(channelOf(i)) ? 0 : 1;
    masks.set(name, mask);
    const biasName = options.biases?.get(name);
    const bias = biasName ? weights.get(biasName) : undefined;
    if (biasName && bias && bias.data.length === channels) masks.set(biasName, Float32Array.from({ length: channels }, (_, c) => (pruned.has(c) ? 0 : 1)));
  }
  return applyMasks(weights, masks);
}
