import { accuracy } from '../math/metrics/accuracy.js';
import { logLoss } from '../math/metrics/log-loss.js';
import { rocAuc } from '../math/metrics/roc-auc.js';
import { bootstrapInterval } from '../math/stats/bootstrap.js';
import type { ConfidenceInterval } from '../math/stats/interval.js';

export type ComparedMetric = 'auc' | 'accuracy' | 'logLoss';

/** One metric of a binary scorer on labelled rows: AUC, accuracy at 0.5, log loss. */
export interface BinaryMetrics {
  readonly auc: number | null;
  readonly accuracy: number;
  readonly logLoss: number;
}

export interface PairedDifference {
  /** Metric of A minus metric of B on all rows. */
  readonly difference: number | null;
  /** Paired percentile bootstrap interval: both scorers are evaluated on the same resampled rows. */
  readonly interval: ConfidenceInterval;
}

function metric(name: ComparedMetric, labels: Int32Array, p: Float64Array): number {
  if (name === 'auc') return rocAuc(labels, p);
  if (name === 'logLoss') return logLoss(labels, twoColumns(p));
  return accuracy(labels, Int32Array.from(p, (v) => (v >= 0.5 ? 1 : 0)));
}

function twoColumns(p: Float64Array): Float64Array {
  const out = new Float64Array(p.length * 2);
  for (let i = 0; i < p.length; i++) {
    out[2 * i] = 1 - p[i]!;
    out[2 * i + 1] = p[i]!;
  }
  return out;
}

/** AUC (null when one class is absent), accuracy at threshold 0.5 and log loss of P(positive) scores. */
export function binaryMetrics(labels: Int32Array, p: Float64Array): BinaryMetrics {
  const auc = metric('auc', labels, p);
  return { auc: Number.isNaN(auc) ? null : auc, accuracy: metric('accuracy', labels, p), logLoss: metric('logLoss', labels, p) };
}

/**
 * Differences A − B of AUC, accuracy and log loss between two scorers of the same rows, each with a
 * paired percentile bootstrap interval (Efron & Tibshirani 1993, §13.3): every replicate resamples rows
 * once and evaluates both scorers on them, so the interval reflects the correlation between the two. The
 * three metrics share the same resamples (same seed).
 */
export function pairedDifferences(labels: Int32Array, a: Float64Array, b: Float64Array, options: { iterations?: number; seed?: number; level?: number; signal?: AbortSignal } = {}): Record<ComparedMetric, PairedDifference> {
  const n = labels.length;
  const ly = new Int32Array(n);
  const pa = new Float64Array(n);
  const pb = new Float64Array(n);
  const out = {} as Record<ComparedMetric, PairedDifference>;
  for (const name of ['auc', 'accuracy', 'logLoss'] as const) {
    const statistic = (indices: Int32Array): number => {
      for (let k = 0; k < n; k++) {
        const i = indices[k]!;
        ly[k] = labels[i]!;
        pa[k] = a[i]!;
        pb[k] = b[i]!;
      }
      return metric(name, ly, pa) - metric(name, ly, pb);
    };
    const full = metric(name, labels, a) - metric(name, labels, b);
    const interval = bootstrapInterval(n, statistic, { iterations: options.iterations ?? 1000, seed: options.seed ?? 0, level: options.level ?? 0.95, ...(options.signal ? { signal: options.signal } : {}) });
    out[name] = { difference: Number.isNaN(full) ? null : full, interval: { ...interval, method: 'paired-percentile-bootstrap' } };
  }
  return out;
}
