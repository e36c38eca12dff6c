import { regularizedBeta } from '../../math/stats/special.js';
import { isDifferentiable } from '../../model/capabilities.js';
import type { Tensor } from '../../model/tensor.js';
import { rowSize } from '../../model/tensor.js';
import type { ReportBlock } from '../../results/blocks.js';
import type { Finding, Severity } from '../../results/finding.js';
import { Rng } from '../../rng.js';
import { denseHeadOf } from '../../uncertainty/laplace/dense-head-of.js';
import { knnReference, knnScores } from '../../uncertainty/ood/knn.js';
import type { Detector, DetectorResult, ScanContext } from '../detector.js';
import { predictedClasses } from '../predictions.js';
import { reproduceCommand } from '../reproduce.js';
import { auditedInput, trainingInput } from './model-input.js';

/** Nominal false-alarm rate: the share of in-distribution rows flagged. */
const FALSE_ALARM = 0.01;
const K = 5;
/** Training rows held out to set the threshold, and the most kept as the kNN reference. */
const CALIBRATION_FRACTION = 0.2;
const MAX_REFERENCE = 5000;
const MAX_CALIBRATION = 2000;
const ALPHA = 0.05;

/**
 * Audited rows that look out of distribution relative to the training rows. Tabular data: the distance
 * to the 5th nearest training row in the model's encoded input space, each column standardised by the
 * training mean and standard deviation. Images: the same on L2-normalised penultimate features (Sun et
 * al. 2022). The threshold is a conformal one: 20% of the training rows (seeded) are held out and scored
 * against the rest, and a row is flagged when its score exceeds the ⌈(m+1)(1 − 0.01)⌉-th smallest
 * held-out score, so an exchangeable in-distribution row is flagged with probability ≤ 1%. A finding is
 * reported when the audited rows exceed that 1% significantly (one-sided exact binomial test, α = 0.05).
 */
export const oodRows: Detector = {
  id: 'ood-rows',
  title: 'Audited rows out of distribution relative to training',
  category: 'data',
  applies: (c) => {
    if (!c.train && !c.trainX) return 'the data has no train/test split (declare "split" in the schema), so there are no training rows to compare with';
    if (c.text) return 'the input is text; OOD rows are scored on tabular inputs or image features';
    if (!trainingInput(c) || !auditedInput(c)) return 'needs the model input of the training and audited rows (tabular data with an encoder, or images)';
    if (c.x?.shape.length === 4 && !isDifferentiable(c.model)) return 'image OOD scores use the penultimate features, and this model does not expose its layers';
    return true;
  },
  run: (c) => runOodRows(c),
};

interface Features {
  readonly train: Float32Array;
  readonly audited: Float32Array;
  readonly dim: number;
  readonly space: string;
  readonly normalize: boolean;
}

async function features(c: ScanContext, train: Tensor, audited: Tensor): Promise<Features | string> {
  if (audited.shape.length === 4) {
    const found = await denseHeadOf(c.model);
    if ('reason' in found) return `no penultimate features: ${found.reason}`;
    const head = found.head;
    const opts = c.signal ? { signal: c.signal } : {};
    return { train: await head.features(train, opts), audited: await head.features(audited, opts), dim: head.inputs, space: `penultimate features (input of ${head.description}), L2-normalised`, normalize: true };
  }
  const dim = rowSize(audited.shape);
  const n = train.shape[0]!;
  const mean = new Float64Array(dim);
  const sd = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] = mean[j]! + train.data[i * dim + j]! / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) sd[j] = sd[j]! + (train.data[i * dim + j]! - mean[j]!) ** 2 / n;
  const scale = (t: Tensor): Float32Array => Float32Array.from(t.data, (v, k) => {
    const j = k % dim;
    const s = Math.sqrt(sd[j]!);
    return s > 0 ? (v - mean[j]!) / s : v - mean[j]!;
  });
  return { train: scale(train), audited: scale(audited), dim, space: `encoded model inputs (${dim} columns), standardised by the training mean and standard deviation`, normalize: false };
}

async function runOodRows(c: ScanContext): Promise<DetectorResult> {
  c.progress('features of the training and audited rows');
  const f = await features(c, trainingInput(c)!, auditedInput(c)!);
  if (typeof f === 'string') return { findings: [], sections: [{ id: 'ood-rows', title: 'Out-of-distribution rows', blocks: [{ kind: 'text', markdown: `Not computed: ${f}.` }] }], data: { skipped: f } };
  const nTrain = f.train.length / f.dim;
  const order = new Rng(c.seed).permutation(nTrain);
  const m = Math.min(MAX_CALIBRATION, Math.max(1, Math.floor(CALIBRATION_FRACTION * nTrain)));
  const calibRows = order.subarray(0, m);
  const refRows = order.subarray(m, m + Math.min(MAX_REFERENCE, nTrain - m));
  const gather = (rows: Int32Array): Float32Array => {
    const out = new Float32Array(rows.length * f.dim);
    rows.forEach((r, i) => out.set(f.train.subarray(r * f.dim, (r + 1) * f.dim), i * f.dim));
    return out;
  };
  c.progress('kNN distances');
  const ref = knnReference(gather(refRows), refRows.length, f.dim, { k: Math.min(K, refRows.length), normalize: f.normalize });
  const calib = Float64Array.from(knnScores(ref, gather(calibRows), m)).sort();
  const rank = Math.ceil((m + 1) * (1 - FALSE_ALARM));
  const threshold = rank > m ? Infinity : calib[rank - 1]!;
  const n = c.table.nRows;
  const scores = knnScores(ref, f.audited, n);
  const flagged = new Uint8Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) if (scores[i]! > threshold) {
    flagged[i] = 1;
    count++;
  }
  const pValue = count === 0 ? 1 : regularizedBeta(FALSE_ALARM, count, n - count + 1);
  const errors = errorRates(c, flagged);
  const top = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const rate = count / n;
  const evidence = { k: ref.k, space: f.space, threshold, thresholdRule: `⌈(m+1)(1−${FALSE_ALARM})⌉-th of m = ${m} held-out training scores`, nominalFalseAlarmRate: FALSE_ALARM, calibrationRows: m, referenceRows: refRows.length, n, flagged: count, expected: n * FALSE_ALARM, pValue, test: 'one-sided exact binomial against the nominal false-alarm rate', seed: c.seed, ...errors };
  const findings: Finding[] = [];
  if (count > 0 && pValue < ALPHA) {
    const severity: Severity = rate >= 0.05 ? 'medium' : rate >= 2 * FALSE_ALARM ? 'low' : 'info';
    findings.push({
      id: 'ood-rows',
      detector: 'ood-rows',
      severity,
      title: `${count} audited rows (${(100 * rate).toFixed(1)}%) lie far from every training row`,
      summary: `kNN distance (k = ${ref.k}) on ${f.space} exceeds the threshold that flags ${100 * FALSE_ALARM}% of held-out training rows for ${count} of ${n} rows (expected ${(n * FALSE_ALARM).toFixed(1)}; exact binomial p = ${pValue.toExponential(2)}).${errors.errorRateFlagged !== null && errors.errorRateOthers !== null ? ` Error rate ${(100 * errors.errorRateFlagged).toFixed(1)}% on them vs ${(100 * errors.errorRateOthers).toFixed(1)}% on the rest.` : ''}`,
      metric: 'oodRate',
      value: rate,
      baseline: FALSE_ALARM,
      examples: top.slice(0, 5).filter((i) => flagged[i]).map((i) => c.table.rowIds[i]!),
      evidence,
      suggestion: 'Predictions on these rows extrapolate beyond the training data: check how they were collected, and treat their predictions with caution or route them to review.',
      reproduce: reproduceCommand(c),
    });
  }
  const blocks: ReportBlock[] = [
    { kind: 'text', markdown: `Distance to the ${ref.k}th nearest training row on ${f.space}. Threshold ${threshold.toPrecision(4)}: it flags ${100 * FALSE_ALARM}% of in-distribution rows (conformal, from ${m} held-out training rows scored against ${refRows.length} others). ${count} of ${n} audited rows are flagged (expected ${(n * FALSE_ALARM).toFixed(1)}; p = ${pValue.toExponential(2)}).` },
    { kind: 'table', caption: 'Audited rows farthest from the training rows (rowIds are 0-based data rows)', columns: ['rowId', 'kNN distance', 'flagged'], rows: top.slice(0, 10).map((i) => [c.table.rowIds[i]!, Math.round(scores[i]! * 1e4) / 1e4, flagged[i] ? 'yes' : 'no']) },
  ];
  return { findings, sections: [{ id: 'ood-rows', title: 'Out-of-distribution rows', blocks }], data: evidence, rows: findings.length > 0 ? { 'ood-rows': flagged } : {} };
}

function errorRates(c: ScanContext, flagged: Uint8Array): { errorRateFlagged: number | null; errorRateOthers: number | null } {
  if (c.model.task === 'regression') return { errorRateFlagged: null, errorRateOthers: null };
  const predicted = predictedClasses(c.outputs, c.model.outputWidth, c.model.task);
  const tally = [0, 0, 0, 0];
  for (let i = 0; i < flagged.length; i++) {
    const y = c.labels[i]!;
    if (!(y >= 0)) continue;
    const g = flagged[i]! ? 0 : 2;
    tally[g] = tally[g]! + 1;
    if (predicted[i] !== y) tally[g + 1] = tally[g + 1]! + 1;
  }
  return { errorRateFlagged: tally[0] ? tally[1]! / tally[0]! : null, errorRateOthers: tally[2] ? tally[3]! / tally[2]! : null };
}
