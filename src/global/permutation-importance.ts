import { z } from 'zod';
import { GlassboxError, throwIfAborted } from '../errors.js';
import type { RawMatrix } from '../encode/encoder.js';
import type { Pipeline } from '../model/pipeline.js';
import { Rng } from '../rng.js';
import { resolveMetric } from './metric.js';
import type { MetricOption } from './metric.js';
import { featureNames, predictRawBatched } from './predict.js';

export interface PermutationImportance {
  readonly method: 'permutation-importance';
  readonly metric: string;
  readonly featureNames: readonly string[];
  /** Score on the unpermuted data. */
  readonly baseline: number;
  /** Mean score drop (baseline − permuted) per feature, and its std over repeats (ddof 0, as sklearn). */
  readonly importances: Float64Array;
  readonly std: Float64Array;
  /** features × repeats drops. */
  readonly drops: Float64Array;
  readonly repeats: number;
  readonly seed: number;
  readonly nRows: number;
}

const schema = z.object({ repeats: z.number().int().min(1).default(5), seed: z.number().int().min(0).default(0) }).strict();

/**
 * Permutation feature importance (Breiman 2001; scikit-learn `permutation_importance`): the drop of a
 * score when one raw feature's column is shuffled, averaged over `repeats` shuffles (± std). A one-hot
 * block is one raw feature. `labels` are class indices (or values for regression); `metric` is a
 * scikit-learn scorer name or any function (higher = better).
 */
export async function permutationImportance(
  pipe: Pipeline,
  raw: RawMatrix,
  labels: Float64Array,
  options: { metric?: MetricOption; repeats?: number; seed?: number; signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<PermutationImportance> {
  const parsed = schema.safeParse({ repeats: options.repeats, seed: options.seed });
  if (!parsed.success) throw new GlassboxError('invalid_argument', `permutationImportance: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`, { hint: 'repeats ≥ 1, seed a non-negative integer.' });
  const { repeats, seed } = parsed.data;
  if (labels.length !== raw.nRows) throw new GlassboxError('shape_mismatch', `labels has ${labels.length} entries for ${raw.nRows} rows`, { argument: 'labels', hint: 'Pass one label per row.' });
  const metric = resolveMetric(options.metric ?? (pipe.model.task === 'regression' ? 'r2' : 'accuracy'), pipe.model.task);
  const width = pipe.model.outputWidth;
  const baseline = metric.score(labels, await predictRawBatched(pipe, raw, options.signal), width);
  const f = raw.nFeatures;
  const n = raw.nRows;
  const rng = new Rng(seed);
  const drops = new Float64Array(f * repeats);
  const big = new Float64Array(n * repeats * f);
  for (let j = 0; j < f; j++) {
    throwIfAborted(options.signal);
    for (let r = 0; r < repeats; r++) {
      big.set(raw.data, r * n * f);
      const perm = rng.permutation(n);
      for (let i = 0; i < n; i++) big[(r * n + i) * f + j] = raw.data[perm[i]! * f + j]!;
    }
    const out = await predictRawBatched(pipe, { data: big, nRows: n * repeats, nFeatures: f }, options.signal);
    for (let r = 0; r < repeats; r++) drops[j * repeats + r] = baseline - metric.score(labels, out.subarray(r * n * width, (r + 1) * n * width), width);
    options.onProgress?.(j + 1, f);
  }
  const importances = new Float64Array(f);
  const std = new Float64Array(f);
  for (let j = 0; j < f; j++) {
    let s = 0;
    for (let r = 0; r < repeats; r++) s += drops[j * repeats + r]!;
    importances[j] = s / repeats;
    let v = 0;
    for (let r = 0; r < repeats; r++) v += (drops[j * repeats + r]! - importances[j]!) ** 2;
    std[j] = Math.sqrt(v / repeats);
  }
  return { method: 'permutation-importance', metric: metric.name, featureNames: featureNames(pipe), baseline, importances, std, drops, repeats, seed, nRows: n };
}
