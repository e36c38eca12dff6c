import { isDifferentiable } from '../../model/capabilities.js';
import type { Model } from '../../model/model.js';
import { vogErrorConcentration } from '../../represent/vog/error-concentration.js';
import { varianceOfGradients, type VogCheckpoint } from '../../represent/vog/vog.js';
import type { Finding } from '../../results/finding.js';
import type { Detector, DetectorResult, ScanContext } from '../detector.js';
import { labelledRows } from '../predictions.js';
import { reproduceCommand } from '../reproduce.js';
import { vogGridBlock } from '../vog-images.js';

/** Share of rows called high-VoG, and the error-rate ratio from which a finding is raised. */
export const VOG_SETTINGS = Object.freeze({ topFraction: 0.1, ratio: 2, perClass: 5 });

/** The checkpoints given to the scan (`--checkpoints`), in training order. */
function checkpointsOf(c: ScanContext): readonly (VogCheckpoint & Model)[] | undefined {
  const value = c.options.vogCheckpoints;
  return Array.isArray(value) && value.length >= 2 && value.every((m) => isDifferentiable(m as object)) ? (value as (VogCheckpoint & Model)[]) : undefined;
}

/**
 * Variance of Gradients (Agarwal, D'souza & Hooker 2022) over the training checkpoints given with
 * `--checkpoints`: each labelled row's class-normalised VoG, the error rate of the top 10% against the
 * rest (Wilson intervals), and the lowest/highest-VoG images per class. A finding (info) when the top
 * decile's error rate is at least twice the rest's and their intervals do not overlap.
 */
export const varianceOfGradientsDetector: Detector = {
  id: 'variance-of-gradients',
  title: 'Example difficulty: Variance of Gradients',
  category: 'explanation',
  applies: (c) => {
    if (!checkpointsOf(c)) return 'no training checkpoints given: pass --checkpoints c1,…,cK (K ≥ 2 snapshots of the model saved during training; `--checkpoints demo` with --demo digits)';
    if (!c.x) return 'needs tensor inputs (images or .npy): the checkpoints take the model input';
    if (c.model.task === 'regression') return 'VoG differentiates the true class\'s score: classifiers only';
    return labelledRows(c.labels).length > 0 ? true : 'the data has no labels';
  },
  async run(c: ScanContext): Promise<DetectorResult> {
    const checkpoints = checkpointsOf(c)!;
    const x = c.x!;
    const rows = Array.from(labelledRows(c.labels));
    const size = x.data.length / Math.max(1, x.shape[0]!);
    const sample = new Float32Array(rows.length * size);
    rows.forEach((r, i) => sample.set(x.data.subarray(r * size, (r + 1) * size), i * size));
    const inputs = { data: sample, shape: [rows.length, ...x.shape.slice(1)] };
    const labels = Int32Array.from(rows, (r) => c.labels[r]!);
    c.progress(`VoG: gradients of ${rows.length} rows at ${checkpoints.length} checkpoints`);
    const result = await varianceOfGradients(checkpoints, inputs, labels, c.signal ? { signal: c.signal } : {});
    const conc = vogErrorConcentration(result.scores, labels, result.predictions, VOG_SETTINGS.topFraction);
    const rowIds = rows.map((r) => c.table.rowIds[r]!);
    const pct = (v: number | null): string => (v === null ? '—' : `${(100 * v).toFixed(1)}%`);
    const summary = `Over ${checkpoints.length} checkpoints, the ${conc.topN} rows with the highest class-normalised VoG have an error rate of ${pct(conc.topErrorRate)} (Wilson 95% [${pct(conc.topInterval.low)}, ${pct(conc.topInterval.high)}]) against ${pct(conc.restErrorRate)} ([${pct(conc.restInterval.low)}, ${pct(conc.restInterval.high)}]) for the other ${conc.restN}${conc.ratio === null ? '' : ` (${conc.ratio.toFixed(2)}×)`}. Predictions are the last checkpoint's.`;
    const concentrated = conc.ratio !== null && conc.ratio >= VOG_SETTINGS.ratio && conc.topInterval.low > conc.restInterval.high;
    const order = Array.from(result.scores.keys()).sort((a, b) => (Number.isNaN(result.scores[b]!) ? -Infinity : result.scores[b]!) - (Number.isNaN(result.scores[a]!) ? -Infinity : result.scores[a]!) || a - b);
    const findings: Finding[] = concentrated ? [{
      id: 'variance-of-gradients/hard-examples',
      detector: 'variance-of-gradients',
      severity: 'info',
      title: `High-VoG examples are ${conc.ratio!.toFixed(1)}× as often misclassified`,
      summary,
      metric: `error rate of the top ${pct(VOG_SETTINGS.topFraction)} VoG rows`,
      value: conc.topErrorRate,
      baseline: conc.restErrorRate ?? undefined,
      interval: { low: conc.topInterval.low, high: conc.topInterval.high, level: conc.topInterval.level, method: conc.topInterval.method },
      examples: order.slice(0, 10).map((i) => rowIds[i]!),
      evidence: { rows: rows.length, checkpoints: checkpoints.length, topN: conc.topN, topErrors: conc.topErrors, restErrors: conc.restErrors, perPixel: result.perPixel, seed: c.seed },
      suggestion: 'Review the highest-VoG images per class (grid below): atypical or mislabelled examples the network kept changing its mind about. Relabel, augment, or weight them; `glassbox vog` gives every row\'s score.',
      reproduce: reproduceCommand(c),
    }] : [];
    const blocks = [
      { kind: 'text' as const, markdown: `Variance of Gradients (Agarwal, D'souza & Hooker 2022): per labelled row, the standard deviation across the ${checkpoints.length} checkpoints of the gradient of the true class's logit with respect to each pixel, averaged over pixels and z-scored within the class. ${summary}` },
      { kind: 'table' as const, caption: 'Error rate per VoG decile (1 = lowest VoG)', columns: ['decile', 'rows', 'error rate'], rows: conc.deciles.map((d) => [d.decile, d.n, pct(d.errorRate)]) },
      ...(x.shape.length >= 3 ? [await vogGridBlock(result, { x: inputs, rowIds, classes: c.classes }, VOG_SETTINGS.perClass)] : []),
    ];
    return {
      findings,
      sections: [{ id: 'variance-of-gradients', title: 'Example difficulty: Variance of Gradients', blocks }],
      data: { checkpoints: checkpoints.length, perPixel: result.perPixel, errorConcentration: conc, rowIds, scores: Array.from(result.scores, (v) => (Number.isFinite(v) ? v : null)) },
    };
  },
};
