import { GlassboxError } from '../../errors.js';
import type { Tensor } from '../../model/tensor.js';
import { Rng } from '../../rng.js';
import { valueRange } from './common.js';

/** How an IG baseline is formed for each explained row. */
export type BaselineSpec =
  | 'zeros'
  | 'blur'
  | 'uniform'
  | 'mean'
  | number
  | { readonly kind: 'blur'; readonly sigma: number }
  | { readonly kind: 'uniform'; readonly low?: number; readonly high?: number }
  | { readonly kind: 'tensor'; readonly values: Float32Array };

/** Gaussian blur of every H×W plane (separable kernel, radius 3σ, edges replicated), float64 inside. */
export function gaussianBlur(row: Float32Array, shape: readonly number[], sigma: number): Float32Array {
  const h = shape[shape.length - 2] ?? 1;
  const w = shape[shape.length - 1] ?? row.length;
  const planes = row.length / (h * w);
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const kernel = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let k = -radius; k <= radius; k++) sum += kernel[k + radius] = Math.exp((-k * k) / (2 * sigma * sigma));
  for (let k = 0; k < kernel.length; k++) kernel[k]! /= sum;
  const out = new Float32Array(row.length);
  const tmp = new Float64Array(h * w);
  const clamp = (v: number, n: number): number => (v < 0 ? 0 : v >= n ? n - 1 : v);
  for (let p = 0; p < planes; p++) {
    const base = p * h * w;
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) {
      let acc = 0;
      for (let k = -radius; k <= radius; k++) acc += kernel[k + radius]! * row[base + i * w + clamp(j + k, w)]!;
      tmp[i * w + j] = acc;
    }
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) {
      let acc = 0;
      for (let k = -radius; k <= radius; k++) acc += kernel[k + radius]! * tmp[clamp(i + k, h) * w + j]!;
      out[base + i * w + j] = acc;
    }
  }
  return out;
}

/**
 * Builds the baselines [rows, …] for IG: zeros, a constant, a Gaussian blur of each input
 * (Sturmfels et al. 2020, "Visualizing the Impact of Feature Attribution Baselines"), seeded uniform
 * noise over each row's value range (or [low, high]), the training mean (per value, from `background`), or a given row.
 */
export function makeBaselines(spec: BaselineSpec, x: Tensor, options: { background?: Tensor; seed?: number } = {}): Float32Array {
  const rowSize = x.data.length / Math.max(1, x.shape[0] ?? 1);
  const nRows = x.shape[0] ?? 0;
  const out = new Float32Array(x.data.length);
  if (spec === 'zeros') return out;
  if (typeof spec === 'number') return out.fill(spec);
  const kind = typeof spec === 'string' ? spec : spec.kind;
  if (kind === 'blur') {
    const sigma = typeof spec === 'object' && 'sigma' in spec ? spec.sigma : 5;
    for (let r = 0; r < nRows; r++) out.set(gaussianBlur(x.data.subarray(r * rowSize, (r + 1) * rowSize), x.shape, sigma), r * rowSize);
    return out;
  }
  if (kind === 'uniform') {
    const o = typeof spec === 'object' ? (spec as { low?: number; high?: number }) : {};
    for (let r = 0; r < nRows; r++) {
      const row = x.data.subarray(r * rowSize, (r + 1) * rowSize);
      const { lo, hi } = valueRange(row);
      const low = o.low ?? lo;
      const high = o.high ?? hi;
      const rng = new Rng(options.seed ?? 0); // fresh per row: a batch equals row-by-row calls
      for (let j = 0; j < rowSize; j++) out[r * rowSize + j] = low + (high - low) * rng.next();
    }
    return out;
  }
  if (kind === 'mean') {
    const bg = options.background;
    if (!bg || bg.data.length % rowSize !== 0 || bg.data.length === 0) {
      throw new GlassboxError('invalid_argument', "baseline 'mean' needs background rows with the input's row shape.", { argument: 'background', hint: 'Pass training rows as context.background.' });
    }
    const mean = new Float64Array(rowSize);
    const nb = bg.data.length / rowSize;
    for (let r = 0; r < nb; r++) for (let j = 0; j < rowSize; j++) mean[j]! += bg.data[r * rowSize + j]!;
    for (let r = 0; r < nRows; r++) for (let j = 0; j < rowSize; j++) out[r * rowSize + j] = mean[j]! / nb;
    return out;
  }
  const values = (spec as { values: Float32Array }).values;
  if (values.length === rowSize) {
    for (let r = 0; r < nRows; r++) out.set(values, r * rowSize);
    return out;
  }
  if (values.length === x.data.length) return Float32Array.from(values);
  throw new GlassboxError('shape_mismatch', `baseline tensor has ${values.length} values; one row (${rowSize}) or one per input row (${x.data.length}) is needed.`, { argument: 'baseline', hint: 'Give a baseline in the input row shape.' });
}
