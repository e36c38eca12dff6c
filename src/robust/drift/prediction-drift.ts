import type { Column, Table } from '../../data/table.js';
import { featureDrift, type FeatureDrift, type FeatureDriftOptions } from './feature-drift.js';

export interface PredictionDriftInput {
  /** Model outputs, row-major n × width: probabilities (classification) or values (regression). */
  readonly reference: Float32Array;
  readonly current: Float32Array;
  readonly width: number;
  readonly task: 'binary' | 'multiclass' | 'regression';
  readonly classes: readonly string[];
}

export interface PredictionDrift {
  /** One KS test per output: the positive-class score (binary), each class's score (multiclass) or the value. */
  readonly scores: readonly FeatureDrift[];
  /** Chi-square test on the predicted class (argmax; binary: score ≥ 0.5); absent for regression. */
  readonly predictedClass?: FeatureDrift;
  readonly fdr: number;
}

/**
 * Drift of a model's output distribution between reference and current rows: KS on the positive-class
 * score (binary), on each class's probability (multiclass) or on the predicted value (regression), and
 * Pearson's chi-square on the predicted class. All outputs are one Benjamini–Hochberg family, and each
 * carries the same effect sizes as a feature (PSI, Wasserstein-1 for scores, Jensen–Shannon).
 */
export function predictionDrift(input: PredictionDriftInput, options: Pick<FeatureDriftOptions, 'fdr' | 'bins' | 'signal'> = {}): PredictionDrift {
  const ref = outputTable(input, input.reference);
  const cur = outputTable(input, input.current);
  const report = featureDrift(ref, cur, options);
  const scores = report.features.filter((f) => f.kind === 'numeric');
  const predictedClass = report.features.find((f) => f.kind === 'categorical');
  return { scores, ...(predictedClass ? { predictedClass } : {}), fdr: report.fdr };
}

export const PREDICTED_CLASS = 'predicted class';

function outputTable(input: PredictionDriftInput, outputs: Float32Array): Table {
  const { width, task, classes } = input;
  const n = outputs.length / width;
  const columns: Column[] = [];
  if (task === 'regression') columns.push({ kind: 'numeric', name: 'predicted value', values: Float64Array.from(outputs.subarray(0, n * width).filter((_, i) => i % width === 0)) });
  else {
    const scored = task === 'binary' ? [width - 1] : Array.from({ length: width }, (_, k) => k);
    for (const k of scored) {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = outputs[i * width + k]!;
      columns.push({ kind: 'numeric', name: `score: ${classes[k] ?? k}`, values });
    }
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) codes[i] = predicted(outputs, i, width);
    columns.push({ kind: 'categorical', name: PREDICTED_CLASS, codes, categories: width === 1 ? [classes[0] ?? '0', classes[1] ?? '1'] : classes.slice(0, width) });
  }
  return { nRows: n, columns, rowIds: Int32Array.from({ length: n }, (_, i) => i) };
}

/** Argmax class; a one-column binary output is the positive probability, thresholded at 0.5. */
function predicted(outputs: Float32Array, row: number, width: number): number {
  if (width === 1) return outputs[row]! >= 0.5 ? 1 : 0;
  let best = 0;
  for (let k = 1; k < width; k++) if (outputs[row * width + k]! > outputs[row * width + best]!) best = k;
  return best;
}
