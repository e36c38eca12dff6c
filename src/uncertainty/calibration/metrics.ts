import { GlassboxError } from '../../errors.js';
import { assignBins, binEdges, type Binning } from './bins.js';
import { PROBABILITY_FLOOR, topLabel, type LabelledProbabilities } from './probabilities.js';

/** One bin of a reliability diagram: rows whose confidence lies in (lower, upper]. Empty bins have null rates. */
export interface ReliabilityBin {
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  /** Share of the bin's rows whose top-label prediction is right; null when the bin is empty. */
  readonly accuracy: number | null;
  readonly meanConfidence: number | null;
  /** meanConfidence − accuracy: positive = over-confident; null when the bin is empty. */
  readonly gap: number | null;
}

export interface CalibrationOptions {
  /** Number of bins (default 15, Guo et al. 2017). */
  readonly bins?: number;
  /** 'equal-width' (default) or 'equal-mass' (edges at quantiles of the confidences). */
  readonly binning?: Binning;
}

/** Calibration metrics of top-label predictions (the numbers of Guo et al. 2017, "On calibration of modern neural networks"). */
export interface CalibrationMetrics {
  readonly n: number;
  readonly classes: number;
  readonly binning: Binning;
  readonly accuracy: number;
  /** Mean top-label confidence. */
  readonly meanConfidence: number;
  /** Expected calibration error: Σ_b (|B_b|/n)·|acc_b − conf_b| over the top-label bins. */
  readonly ece: number;
  /** Maximum calibration error: max over non-empty bins of |acc_b − conf_b|. */
  readonly mce: number;
  /** Class-wise ECE (Kull et al. 2019): the mean over classes k of the ECE of p_k against 1[y = k]. */
  readonly classwiseEce: number;
  /** Multiclass Brier score mean_i Σ_k (p_ik − y_ik)² (Brier 1950; range [0, 2]). */
  readonly brier: number;
  /** Top-label Brier score mean_i (conf_i − correct_i)². */
  readonly brierTopLabel: number;
  /** Negative log-likelihood mean_i −ln p_i,label (p floored at 1e-15). */
  readonly nll: number;
  readonly bins: readonly ReliabilityBin[];
}

/**
 * Per-row quantities every calibration metric is a mean or a binned mean of, computed once so that
 * metrics on any multiset of rows (a slice, a bootstrap resample) cost one pass over row indices.
 */
export interface CalibrationRows {
  readonly n: number;
  readonly k: number;
  readonly binning: Binning;
  readonly edges: Float64Array;
  readonly confidence: Float64Array;
  readonly prediction: Int32Array;
  readonly correct: Uint8Array;
  readonly bin: Uint16Array;
  /** Σ_k (p_ik − y_ik)² per row. */
  readonly brier: Float64Array;
  /** −ln p_i,label per row. */
  readonly nll: Float64Array;
  /** Per class k: the edges of its probability bins, and the bin of p_ik per row (n × k, row-major). */
  readonly classEdges: readonly Float64Array[];
  readonly classBin: Uint16Array;
  readonly probabilities: Float64Array;
  readonly labels: Int32Array;
}

/** Precomputes the per-row quantities; edges come from all rows (equal-mass edges stay fixed across resamples). */
export function calibrationRows(input: LabelledProbabilities, options: CalibrationOptions = {}): CalibrationRows {
  const { probabilities, labels, n, k } = input;
  const binning = options.binning ?? 'equal-width';
  const bins = options.bins ?? 15;
  const { prediction, confidence } = topLabel(probabilities, n, k);
  const correct = Uint8Array.from(prediction, (c, i) => (c === labels[i] ? 1 : 0));
  const edges = binEdges(binning, bins, confidence);
  const brier = new Float64Array(n);
  const nll = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < k; c++) {
      const d = probabilities[i * k + c]! - (labels[i] === c ? 1 : 0);
      s += d * d;
    }
    brier[i] = s;
    nll[i] = -Math.log(Math.max(probabilities[i * k + labels[i]!]!, PROBABILITY_FLOOR));
  }
  const classEdges: Float64Array[] = [];
  const classBin = new Uint16Array(n * k);
  const column = new Float64Array(n);
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < n; i++) column[i] = probabilities[i * k + c]!;
    const e = binEdges(binning, bins, column);
    classEdges.push(e);
    const b = assignBins(column, e);
    for (let i = 0; i < n; i++) classBin[i * k + c] = b[i]!;
  }
  return { n, k, binning, edges, confidence, prediction, correct, bin: assignBins(confidence, edges), brier, nll, classEdges, classBin, probabilities, labels };
}

/** All rows, as the index list the metric functions take. */
export function allRows(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

const meanOf = (values: ArrayLike<number>, rows: Int32Array): number => {
  let s = 0;
  for (let j = 0; j < rows.length; j++) s += values[rows[j]!]!;
  return s / rows.length;
};

export const accuracyOn = (r: CalibrationRows, rows: Int32Array): number => meanOf(r.correct, rows);
export const brierOn = (r: CalibrationRows, rows: Int32Array): number => meanOf(r.brier, rows);
export const nllOn = (r: CalibrationRows, rows: Int32Array): number => meanOf(r.nll, rows);

/** mean (conf − correct)² over the rows. */
export function brierTopLabelOn(r: CalibrationRows, rows: Int32Array): number {
  let s = 0;
  for (let j = 0; j < rows.length; j++) {
    const d = r.confidence[rows[j]!]! - r.correct[rows[j]!]!;
    s += d * d;
  }
  return s / rows.length;
}

/** Per-bin counts, Σ confidence and Σ correct over the rows. */
function binSums(r: CalibrationRows, rows: Int32Array): { count: Float64Array; conf: Float64Array; hits: Float64Array } {
  const bins = r.edges.length - 1;
  const count = new Float64Array(bins);
  const conf = new Float64Array(bins);
  const hits = new Float64Array(bins);
  for (let j = 0; j < rows.length; j++) {
    const i = rows[j]!;
    const b = r.bin[i]!;
    count[b]! += 1;
    conf[b]! += r.confidence[i]!;
    hits[b]! += r.correct[i]!;
  }
  return { count, conf, hits };
}

/** Top-label ECE over the rows. */
export function eceOn(r: CalibrationRows, rows: Int32Array): number {
  const { count, conf, hits } = binSums(r, rows);
  let s = 0;
  // Σ_b (n_b/n)·|acc_b − conf_b| written per bin as (n_b/n)·|hits_b/n_b − conf_b/n_b|, as the reference computes it
  for (let b = 0; b < count.length; b++) if (count[b]! > 0) s += (count[b]! / rows.length) * Math.abs(hits[b]! / count[b]! - conf[b]! / count[b]!);
  return s;
}

/** Top-label MCE over the rows. */
export function mceOn(r: CalibrationRows, rows: Int32Array): number {
  const { count, conf, hits } = binSums(r, rows);
  let m = 0;
  for (let b = 0; b < count.length; b++) if (count[b]! > 0) m = Math.max(m, Math.abs(hits[b]! / count[b]! - conf[b]! / count[b]!));
  return m;
}

/** Class-wise ECE over the rows. */
export function classwiseEceOn(r: CalibrationRows, rows: Int32Array): number {
  const bins = r.edges.length - 1;
  const { k } = r;
  const count = new Float64Array(bins * k);
  const conf = new Float64Array(bins * k);
  const hits = new Float64Array(bins * k);
  for (let j = 0; j < rows.length; j++) {
    const i = rows[j]!;
    const y = r.labels[i]!;
    for (let c = 0; c < k; c++) {
      const cell = c * bins + r.classBin[i * k + c]!;
      count[cell]! += 1;
      conf[cell]! += r.probabilities[i * k + c]!;
      if (y === c) hits[cell]! += 1;
    }
  }
  let s = 0;
  for (let cell = 0; cell < count.length; cell++) if (count[cell]! > 0) s += (count[cell]! / rows.length) * Math.abs(hits[cell]! / count[cell]! - conf[cell]! / count[cell]!);
  return s / k;
}

/** The reliability table over the rows. */
export function reliabilityBins(r: CalibrationRows, rows: Int32Array): ReliabilityBin[] {
  const { count, conf, hits } = binSums(r, rows);
  return Array.from(count, (c, b) => {
    const accuracy = c > 0 ? hits[b]! / c : null;
    const meanConfidence = c > 0 ? conf[b]! / c : null;
    return { lower: r.edges[b]!, upper: r.edges[b + 1]!, count: c, accuracy, meanConfidence, gap: accuracy === null || meanConfidence === null ? null : meanConfidence - accuracy };
  });
}

/** Every metric on a subset of the rows (a slice or group given by row indices). */
export function metricsOn(r: CalibrationRows, rows: Int32Array): CalibrationMetrics {
  if (rows.length === 0) throw new GlassboxError('invalid_input', 'Calibration metrics need at least one row.', { argument: 'rows' });
  return {
    n: rows.length,
    classes: r.k,
    binning: r.binning,
    accuracy: accuracyOn(r, rows),
    meanConfidence: meanOf(r.confidence, rows),
    ece: eceOn(r, rows),
    mce: mceOn(r, rows),
    classwiseEce: classwiseEceOn(r, rows),
    brier: brierOn(r, rows),
    brierTopLabel: brierTopLabelOn(r, rows),
    nll: nllOn(r, rows),
    bins: reliabilityBins(r, rows),
  };
}

/**
 * Calibration metrics of class probabilities: accuracy, top-label ECE and MCE, class-wise ECE, multiclass
 * and top-label Brier, NLL, and the reliability table. Bins are `(lower, upper]` on the top-label confidence
 * (15 equal-width by default, edges as numpy.linspace(0, 1, 16)). Guo et al. 2017; Naeini et al. 2015 (ECE).
 */
export function calibrationMetrics(input: LabelledProbabilities, options: CalibrationOptions = {}): CalibrationMetrics {
  const r = calibrationRows(input, options);
  return metricsOn(r, allRows(r.n));
}
