import { GlassboxError } from '../errors.js';
import type { Task } from '../model/model.js';
import { rowSize } from '../model/tensor.js';
import { Rng } from '../rng.js';
import type { HostBatch, RowMeta, TrainingData } from './types.js';

/** Checks lengths, labels and weights before any work; errors name the argument and the row. */
export function checkTrainingData(data: TrainingData, task: Task, classes: number, what = 'data'): void {
  const n = data.x.shape[0] ?? 0;
  if (n === 0) throw new GlassboxError('invalid_input', `fit: ${what} has no rows`, { argument: what, hint: 'Pass at least one training row.' });
  if (data.x.data.length !== n * rowSize(data.x.shape)) {
    throw new GlassboxError('shape_mismatch', `fit: ${what}.x has ${data.x.data.length} values but shape [${data.x.shape.join(', ')}]`, { argument: `${what}.x`, hint: 'The shape must describe the data.' });
  }
  if (data.y.length !== n) throw new GlassboxError('shape_mismatch', `fit: ${n} input rows but ${data.y.length} labels in ${what}.y`, { argument: `${what}.y`, hint: 'Pass one label per row.' });
  if (data.sampleWeights && data.sampleWeights.length !== n) {
    throw new GlassboxError('shape_mismatch', `fit: ${n} rows but ${data.sampleWeights.length} sample weights`, { argument: `${what}.sampleWeights`, hint: 'Pass one weight per row.' });
  }
  for (const [key, column] of Object.entries(data.meta ?? {})) {
    if (column.length !== n) throw new GlassboxError('shape_mismatch', `fit: metadata column '${key}' has ${column.length} values for ${n} rows`, { argument: `${what}.meta.${key}`, hint: 'Give one value per row.' });
  }
  for (let i = 0; i < n; i++) {
    const v = data.y[i]!;
    const w = data.sampleWeights?.[i] ?? 1;
    if (!(Number.isFinite(w) && w >= 0)) throw new GlassboxError('invalid_input', `fit: sample weight ${w} at row ${i} is not a finite number ≥ 0`, { row: i, argument: `${what}.sampleWeights`, hint: 'Use non-negative weights.' });
    if (task === 'regression') {
      if (!Number.isFinite(v)) throw new GlassboxError('invalid_input', `fit: target ${v} at row ${i} is not finite`, { row: i, argument: `${what}.y`, hint: 'Remove or impute rows with missing targets.' });
    } else if (!(Number.isInteger(v) && v >= 0 && v < classes)) {
      throw new GlassboxError('invalid_input', `fit: label ${v} at row ${i} is not a class index in [0, ${classes})`, { row: i, argument: `${what}.y`, hint: 'Labels are class indices in model-output order.' });
    }
  }
}

/** The rows of `data` listed in `rows`, gathered into one host batch. */
export function gatherBatch(data: TrainingData, rows: Int32Array): HostBatch {
  const size = rowSize(data.x.shape);
  const m = rows.length;
  const x = new Float32Array(m * size);
  const y = new Float32Array(m);
  const weights = new Float32Array(m);
  for (let r = 0; r < m; r++) {
    const i = rows[r]!;
    x.set(data.x.data.subarray(i * size, (i + 1) * size), r * size);
    y[r] = data.y[i]!;
    weights[r] = data.sampleWeights ? data.sampleWeights[i]! : 1;
  }
  const meta: Record<string, Int32Array | Float32Array> = {};
  for (const [key, column] of Object.entries(data.meta ?? {})) {
    const out = column instanceof Int32Array ? new Int32Array(m) : new Float32Array(m);
    for (let r = 0; r < m; r++) out[r] = column[rows[r]!]!;
    meta[key] = out;
  }
  return { x, shape: [m, ...data.x.shape.slice(1)], y, weights, rows: Int32Array.from(rows), meta };
}

/** Rows of `data` as new TrainingData (for a validation split). */
export function subset(data: TrainingData, rows: Int32Array): TrainingData {
  const b = gatherBatch(data, rows);
  return { x: { data: b.x, shape: b.shape }, y: b.y, ...(data.sampleWeights ? { sampleWeights: b.weights } : {}), ...(data.meta ? { meta: b.meta } : {}) };
}

/**
 * Appends batch `b` to batch `a` (metadata columns present in both are joined; a column missing from
 * `b` is filled with −1). For transforms that augment a batch.
 */
export function concatBatches(a: HostBatch, b: HostBatch): HostBatch {
  if (a.shape.slice(1).join(',') !== b.shape.slice(1).join(',')) {
    throw new GlassboxError('shape_mismatch', `concatBatches: row shapes [${a.shape.slice(1).join(', ')}] and [${b.shape.slice(1).join(', ')}] differ`, { argument: 'batch', hint: 'Added rows must have the model input shape.' });
  }
  const join = <T extends Float32Array | Int32Array>(u: T, v: T | undefined, n: number): T => {
    const out = new (u.constructor as new (k: number) => T)(u.length + n);
    out.set(u);
    if (v) out.set(v, u.length);
    else out.fill(-1 as never, u.length);
    return out;
  };
  const meta: Record<string, Int32Array | Float32Array> = {};
  const nb = b.y.length;
  for (const [key, column] of Object.entries(a.meta)) meta[key] = join(column, b.meta[key] as typeof column | undefined, nb);
  return {
    x: join(a.x, b.x, nb * (b.x.length / Math.max(1, nb))),
    shape: [a.y.length + nb, ...a.shape.slice(1)],
    y: join(a.y, b.y, nb),
    weights: join(a.weights, b.weights, nb),
    rows: join(a.rows, b.rows, nb),
    meta: meta as RowMeta,
  };
}

/** A seeded split into training and validation rows (validation: round(fraction·n), at least 1). */
export function splitRows(n: number, fraction: number, seed: number): { train: Int32Array; validation: Int32Array } {
  if (!(fraction > 0 && fraction < 1)) {
    throw new GlassboxError('invalid_argument', `fit: validation fraction must be in (0, 1) (got ${fraction})`, { argument: 'validation.fraction', hint: 'Use e.g. 0.1.' });
  }
  const order = new Rng(seed).permutation(n);
  const k = Math.max(1, Math.round(fraction * n));
  if (k >= n) throw new GlassboxError('invalid_input', `fit: ${n} rows leave none for training after a ${fraction} validation split`, { argument: 'validation.fraction', hint: 'Use more rows or a smaller fraction.' });
  return { validation: Int32Array.from(order.subarray(0, k)).sort(), train: Int32Array.from(order.subarray(k)).sort() };
}
