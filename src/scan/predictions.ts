import type { ScanContext } from './detector.js';

/**
 * Decisions from model outputs: the arg-max class, except for binary tasks where the positive class
 * (the last column) is predicted when its probability is ≥ the threshold.
 */
export function predictedClasses(outputs: Float32Array, width: number, task: ScanContext['model']['task'], threshold = 0.5): Int32Array {
  const n = outputs.length / width;
  const out = new Int32Array(n);
  if (task === 'binary') {
    for (let i = 0; i < n; i++) out[i] = outputs[i * width + width - 1]! >= threshold ? width - 1 : 0;
    return out;
  }
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestValue = -Infinity;
    for (let k = 0; k < width; k++) {
      const v = outputs[i * width + k]!;
      if (v > bestValue) {
        bestValue = v;
        best = k;
      }
    }
    out[i] = best;
  }
  return out;
}

/** Rows whose label is known (labels are NaN or negative when missing). */
export function labelledRows(labels: Float64Array): Int32Array {
  const rows: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i]! >= 0) rows.push(i);
  return Int32Array.from(rows);
}

/** Picks entries of a typed array at the given rows. */
export function pick<T extends Float64Array | Int32Array | Float32Array>(values: T, rows: Int32Array, width = 1): T {
  const out = new (values.constructor as new (n: number) => T)(rows.length * width);
  for (let i = 0; i < rows.length; i++) {
    for (let k = 0; k < width; k++) out[i * width + k] = values[rows[i]! * width + k]!;
  }
  return out;
}

/** Positive-class probability per row (binary tasks). */
export function positiveScores(outputs: Float32Array, width: number): Float64Array {
  const n = outputs.length / width;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = outputs[i * width + width - 1]!;
  return out;
}
