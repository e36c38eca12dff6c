import { GlassboxError } from '../errors.js';
import type { NamedWeights } from '../model/capabilities.js';
import type { Tensor } from '../model/tensor.js';
import { selectWeights } from './prunable.js';

export interface MagnitudePruneOptions {
  /** Fraction of the selected weights set to 0, in [0, 1). */
  readonly sparsity: number;
  /** 'global' (default): one threshold over all selected weights; 'layer': the same fraction in each tensor. */
  readonly scope?: 'global' | 'layer';
  /** Weights to prune (default: every float tensor of rank ≥ 2, see selectWeights). */
  readonly parameters?: readonly string[];
}

export interface PruneResult {
  /** Every pruned tensor, with its zeros in place (a subset of the model's weights, for setWeights). */
  readonly weights: Map<string, Tensor>;
  /** 1 keeps, 0 prunes, per pruned tensor: what `fit(…, { masks })` keeps at 0 while fine-tuning. */
  readonly masks: Map<string, Float32Array>;
  /** Exact share of zeros among the selected weights afterwards. */
  readonly sparsity: number;
  readonly perWeight: Readonly<Record<string, number>>;
}

/**
 * Unstructured magnitude pruning (Han, Pool, Tran & Dally 2015; the one-shot form of Zhu & Gupta 2017):
 * the k = round(sparsity × size) weights of smallest |w| are set to 0, over all selected tensors
 * together ('global') or within each tensor ('layer'). Ties in |w| go to the earlier tensor and index,
 * so exactly k weights are pruned and the result is deterministic.
 */
export function magnitudePrune(weights: NamedWeights, options: MagnitudePruneOptions): PruneResult {
  checkSparsity(options.sparsity);
  const names = selectWeights(weights, options.parameters);
  const groups = (options.scope ?? 'global') === 'global' ? [names] : names.map((n) => [n]);
  const masks = new Map<string, Float32Array>();
  for (const name of names) masks.set(name, new Float32Array(weights.get(name)!.data.length).fill(1));
  for (const group of groups) {
    const tensors = group.map((n) => weights.get(n)!.data);
    const total = tensors.reduce((a, t) => a + t.length, 0);
    const k = Math.round(options.sparsity * total);
    if (k === 0) continue;
    const magnitude = new Float64Array(total);
    let offset = 0;
    for (const t of tensors) {
      for (let i = 0; i < t.length; i++) magnitude[offset + i] = Math.abs(t[i]!);
      offset += t.length;
    }
    const order = new Uint32Array(total);
    for (let i = 0; i < total; i++) order[i] = i;
    order.sort((a, b) => magnitude[a]! - magnitude[b]! || a - b);
    const starts = group.map((_, g) => tensors.slice(0, g).reduce((a, t) => a + t.length, 0));
    for (let r = 0; r < k; r++) {
      const flat = order[r]!;
      let g = group.length - 1;
      while (starts[g]! > flat) g--;
      masks.get(group[g]!)![flat - starts[g]!] = 0;
    }
  }
  return applyMasks(weights, masks);
}

export function checkSparsity(sparsity: number): void {
  if (!(sparsity >= 0 && sparsity < 1)) throw new GlassboxError('invalid_argument', `sparsity must be in [0, 1) (got ${sparsity}).`, { argument: '--sparsity', hint: 'e.g. --sparsity 0.9 sets 90% of the weights to zero.' });
}

/** The weights times their masks (pruned entries become +0), with the resulting sparsity. */
export function applyMasks(weights: NamedWeights, masks: ReadonlyMap<string, Float32Array>): PruneResult {
  const out = new Map<string, Tensor>();
  const perWeight: Record<string, number> = {};
  let zeros = 0;
  let total = 0;
  for (const [name, mask] of masks) {
    const source = weights.get(name)!;
    const data = new Float32Array(source.data.length);
    let z = 0;
    for (let i = 0; i < data.length; i++) {
      data[i] = mask[i] === 0 ? 0 : source.data[i]!;
      if (data[i] === 0) z++;
    }
    out.set(name, { data, shape: [...source.shape] });
    perWeight[name] = data.length > 0 ? z / data.length : 0;
    zeros += z;
    total += data.length;
  }
  return { weights: out, masks: new Map(masks), sparsity: total > 0 ? zeros / total : 0, perWeight };
}
