import { GlassboxError, throwIfAborted } from '../../errors.js';
import type { Differentiable } from '../../model/capabilities.js';
import type { Model } from '../../model/model.js';
import type { Tensor } from '../../model/tensor.js';
import { rowSize, sliceRows } from '../../model/tensor.js';

/** A checkpoint VoG can read: class outputs and input gradients of its pre-softmax scores. */
export type VogCheckpoint = Pick<Model, 'predict' | 'outputWidth' | 'inputSpec'> & Pick<Differentiable, 'inputGradients'>;

export interface VogOptions {
  /** Rows per gradient call (default 256). Memory holds K × batchSize gradients at a time. */
  readonly batchSize?: number;
  /**
   * What is averaged over pixels: 'std' (default), the per-pixel standard deviation across checkpoints, as in
   * the paper's Eq. 3 and the authors' code; or 'variance', the same without the square root.
   */
  readonly perPixel?: 'std' | 'variance';
  /**
   * Axis of one row's shape (0-based, batch excluded) whose gradients are averaged before the variance, as
   * the authors' ImageNet code averages over colour channels (channels-last: 2 for [h, w, c]). Default: none.
   */
  readonly channelAxis?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface VogClassStats {
  readonly label: number;
  readonly n: number;
  readonly mean: number;
  /** Population standard deviation (numpy's np.std) of the raw scores in the class. */
  readonly std: number;
}

export interface VogResult {
  /** Class-normalised VoG per row: (raw − class mean) / class std. NaN where the class std is 0 (one row, or identical rows). */
  readonly scores: Float64Array;
  /** Raw VoG per row: the mean over pixels of the per-pixel spread of the gradient across checkpoints. */
  readonly raw: Float64Array;
  readonly labels: Int32Array;
  /** Arg-max class of the last checkpoint (the trained model). */
  readonly predictions: Int32Array;
  readonly classStats: readonly VogClassStats[];
  readonly checkpoints: number;
  readonly perPixel: 'std' | 'variance';
  readonly pixels: number;
}

/**
 * Variance of Gradients (Agarwal, D'souza & Hooker, "Estimating example difficulty using variance of
 * gradients", CVPR 2022). For each row, S_t = ∂ z_y / ∂ x at checkpoint t = 1…K, where z_y is the pre-softmax
 * score of the row's true class y. Per pixel p: μ_p = (1/K) Σ_t S_t,p and VoG_p = √((1/K) Σ_t (S_t,p − μ_p)²);
 * the row's VoG is the mean of VoG_p over pixels, then z-scored within its class (population std). Runs batch
 * by batch over rows, so only K batches of gradients are in memory at once.
 */
export async function varianceOfGradients(checkpoints: readonly VogCheckpoint[], x: Tensor, labels: Int32Array, options: VogOptions = {}): Promise<VogResult> {
  const n = x.shape[0] ?? 0;
  checkVogInputs(checkpoints, x, labels);
  const perPixel = options.perPixel ?? 'std';
  const batchSize = options.batchSize ?? 256;
  const size = rowSize(x.shape);
  const pool = channelPooling(x.shape.slice(1), options.channelAxis);
  const raw = new Float64Array(n);
  const predictions = new Int32Array(n);
  const k = checkpoints.length;
  const last = checkpoints[k - 1]!;
  for (let start = 0; start < n; start += batchSize) {
    throwIfAborted(options.signal);
    const end = Math.min(n, start + batchSize);
    const batch = sliceRows(x, start, end);
    const target = labels.subarray(start, end);
    const gradients: Float32Array[] = [];
    for (const model of checkpoints) {
      gradients.push(await model.inputGradients(batch, target, { output: 'logits', ...(options.signal ? { signal: options.signal } : {}) }));
    }
    const probabilities = await last.predict(batch);
    for (let r = 0; r < end - start; r++) {
      raw[start + r] = rowVog(gradients, r * size, size, pool, perPixel);
      predictions[start + r] = argmax(probabilities, r * last.outputWidth, last.outputWidth);
    }
    options.onProgress?.(end, n);
  }
  const { scores, classStats } = classNormalise(raw, labels);
  return { scores, raw, labels, predictions, classStats, checkpoints: k, perPixel, pixels: pool ? pool.pixels : size };
}

function checkVogInputs(checkpoints: readonly VogCheckpoint[], x: Tensor, labels: Int32Array): void {
  const n = x.shape[0] ?? 0;
  if (checkpoints.length < 2) {
    throw new GlassboxError('invalid_argument', `VoG needs at least 2 checkpoints (got ${checkpoints.length}): it measures how the gradient varies over training.`, { argument: '--checkpoints', hint: 'Pass K ≥ 2 snapshots of the same network saved during training, in training order.' });
  }
  if (labels.length !== n) throw new GlassboxError('shape_mismatch', `VoG: ${labels.length} labels for ${n} rows.`, { argument: '--labels', hint: 'Give one class index per row.' });
  const width = checkpoints[0]!.outputWidth;
  checkpoints.forEach((c, i) => {
    if (c.outputWidth !== width) throw new GlassboxError('shape_mismatch', `Checkpoint ${i + 1} has ${c.outputWidth} outputs but checkpoint 1 has ${width}.`, { argument: '--checkpoints', hint: 'All checkpoints must be snapshots of the same network.' });
  });
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    if (!(y >= 0 && y < width)) throw new GlassboxError('invalid_input', `VoG: label ${y} at row ${i} is not a class index in [0, ${width}).`, { row: i, argument: '--labels', hint: 'Labels are class indices in model-output order.' });
  }
}

interface ChannelPooling {
  /** pixel index of each element of a row */
  readonly pixelOf: Int32Array;
  readonly pixels: number;
  readonly channels: number;
}

/** Maps each element of a row to its pixel when gradients are averaged over `axis` first. */
function channelPooling(shape: readonly number[], axis: number | undefined): ChannelPooling | undefined {
  if (axis === undefined) return undefined;
  if (!(Number.isInteger(axis) && axis >= 0 && axis < shape.length)) {
    throw new GlassboxError('invalid_argument', `channelAxis ${axis} is not an axis of a row shaped [${shape.join(', ')}].`, { argument: 'channelAxis', hint: 'Use the 0-based axis of the channels in one row, e.g. 2 for [h, w, c] or 0 for [c, h, w].' });
  }
  const channels = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const total = shape.reduce((a, b) => a * b, 1);
  const pixelOf = new Int32Array(total);
  for (let e = 0; e < total; e++) {
    const outer = Math.floor(e / (channels * inner));
    pixelOf[e] = outer * inner + (e % inner);
  }
  return { pixelOf, pixels: total / channels, channels };
}

/** Mean over pixels of the per-pixel population std (or variance) of the K gradients of one row. */
function rowVog(gradients: readonly Float32Array[], offset: number, size: number, pool: ChannelPooling | undefined, perPixel: 'std' | 'variance'): number {
  const k = gradients.length;
  const pixels = pool ? pool.pixels : size;
  const values = new Float64Array(k * pixels);
  for (let t = 0; t < k; t++) {
    const g = gradients[t]!;
    const base = t * pixels;
    if (pool) {
      for (let e = 0; e < size; e++) values[base + pool.pixelOf[e]!]! += g[offset + e]! / pool.channels;
    } else {
      for (let e = 0; e < size; e++) values[base + e] = g[offset + e]!;
    }
  }
  let total = 0;
  for (let p = 0; p < pixels; p++) {
    let mean = 0;
    for (let t = 0; t < k; t++) mean += values[t * pixels + p]!;
    mean /= k;
    let variance = 0;
    for (let t = 0; t < k; t++) {
      const d = values[t * pixels + p]! - mean;
      variance += d * d;
    }
    variance /= k;
    total += perPixel === 'std' ? Math.sqrt(variance) : variance;
  }
  return total / pixels;
}

/** z-scores within each label (mean and population std of the class's raw scores, as the authors' np.std). */
export function classNormalise(raw: Float64Array, labels: Int32Array): { scores: Float64Array; classStats: VogClassStats[] } {
  const sums = new Map<number, { n: number; sum: number; sq: number }>();
  for (let i = 0; i < raw.length; i++) {
    const s = sums.get(labels[i]!) ?? { n: 0, sum: 0, sq: 0 };
    s.n += 1;
    s.sum += raw[i]!;
    sums.set(labels[i]!, s);
  }
  const means = new Map([...sums].map(([label, s]) => [label, s.sum / s.n]));
  for (let i = 0; i < raw.length; i++) {
    const d = raw[i]! - means.get(labels[i]!)!;
    sums.get(labels[i]!)!.sq += d * d;
  }
  const classStats = [...sums.keys()].sort((a, b) => a - b).map((label) => {
    const s = sums.get(label)!;
    return { label, n: s.n, mean: means.get(label)!, std: Math.sqrt(s.sq / s.n) };
  });
  const std = new Map(classStats.map((c) => [c.label, c.std]));
  const scores = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const sd = std.get(labels[i]!)!;
    scores[i] = sd > 0 ? (raw[i]! - means.get(labels[i]!)!) / sd : Number.NaN;
  }
  return { scores, classStats };
}

function argmax(values: Float32Array, offset: number, width: number): number {
  if (width === 1) return values[offset]! >= 0.5 ? 1 : 0;
  let best = 0;
  for (let c = 1; c < width; c++) if (values[offset + c]! > values[offset + best]!) best = c;
  return best;
}
