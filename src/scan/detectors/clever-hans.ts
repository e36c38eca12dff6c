import type { RawMatrix } from '../../encode/encoder.js';
import { permutationImportance } from '../../global/permutation-importance.js';
import type { PermutationImportance } from '../../global/permutation-importance.js';
import { fitCart, predict as predictCart } from '../../global/surrogate-tree.js';
import type { Pipeline } from '../../model/pipeline.js';
import type { ReportSection } from '../../results/blocks.js';
import type { Detector, DetectorResult, ScanContext } from '../detector.js';
import type { Finding, Severity } from '../../results/finding.js';
import { labelledRows } from '../predictions.js';
import { reproduceCommand } from '../reproduce.js';
import { notTabular } from './not-applicable.js';

/** Thresholds of the checks (documented in docs/explanations.md). */
export const CLEVER_HANS_THRESHOLDS = Object.freeze({
  /** Candidates: the features the model relies on — permutation importance ≥ minImportance — at most maxCandidates. */
  minImportance: 0.01,
  maxCandidates: 8,
  /** Id-like by uniqueness applies to integer or categorical columns (identifiers), not continuous measurements. */
  /** Id-like: distinct values per row over train and audited rows together (a measurement such as an amount repeats across 1,000 rows; an identifier does not), or |Spearman| with the row order. */
  uniqueFraction: 0.99,
  orderCorrelation: 0.95,
  /**
   * Leak: alone (a depth-3 tree fitted on the train split) it reaches at least `soloLift` of the model's
   * lift over the majority class on the audited rows, and beats every other relied-on feature's solo lift
   * by `soloMargin`.
   */
  soloLift: 0.7,
  soloMargin: 0.15,
  /** Redundant reliance: retraining without it loses less than this accuracy while the model loses at least `reliance` when it is shuffled. */
  retrainDrop: 0.01,
  reliance: 0.05,
});

interface Candidate {
  feature: string;
  index: number;
  importance: number;
  share: number;
  uniqueFraction: number;
  orderCorrelation: number;
  soloAccuracy: number;
  soloLift: number;
  retrainDrop: number;
  verdicts: string[];
}

/**
 * "Clever Hans" detector (Lapuschkin et al. 2019, "Unmasking Clever Hans predictors"): a feature whose
 * importance dominates in a suspicious way. For the features with the largest permutation importance
 * it checks (1) id-likeness — nearly every row has its own value, or the value follows the row order;
 * (2) leakage — the feature alone, through a depth-3 tree fitted on the train split, predicts the
 * held-out labels with most of the model's lift over the majority class; (3) redundant reliance — a
 * tree retrained on the train split without the feature is as accurate on held-out rows, yet the model
 * loses accuracy when the feature is shuffled.
 */
export const cleverHans: Detector = {
  id: 'clever-hans',
  title: 'Clever Hans features (id-like, leaked or redundantly relied on)',
  category: 'explanation',
  applies: (c) => (!c.pipeline || !c.raw ? notTabular(c) : c.model.task === 'regression' ? 'classification models only' : labelledRows(c.labels).length < 20 ? 'needs at least 20 labelled rows' : !c.trainRaw ? 'needs a train split to fit reference models' : true),
  run: async (c) => runCleverHans(c),
};

async function runCleverHans(c: ScanContext): Promise<DetectorResult> {
  const pipe = c.pipeline!;
  const rows = labelledRows(c.labels);
  const raw = subset(c.raw!, rows);
  const labels = Float64Array.from(rows, (i) => c.labels[i]!);
  c.progress('clever-hans: permutation importance');
  const imp = await permutationImportance(pipe, raw, labels, { metric: 'accuracy', repeats: 3, seed: c.seed, ...(c.signal ? { signal: c.signal } : {}) });
  const trainLabels = trainLabelsOf(c);
  const train = trainLabels ? subset(c.trainRaw!, trainLabels.rows) : undefined;
  const k = c.classes.length;
  const majority = majorityAccuracy(labels, k);
  const modelAccuracy = imp.baseline;
  const candidates = pickCandidates(imp).map((j) => assess(c, pipe, j, imp, raw, labels, train, trainLabels?.labels, majority, modelAccuracy));
  markLeaks(candidates);
  const findings = candidates.filter((cand) => cand.verdicts.length > 0).map((cand) => finding(c, cand, modelAccuracy, majority, rows.length));
  return { findings, sections: [section(candidates, modelAccuracy, majority)], data: { modelAccuracy, majorityAccuracy: majority, thresholds: CLEVER_HANS_THRESHOLDS, candidates } };
}

/** Features the model relies on (importance ≥ minImportance), the largest `maxCandidates` of them. */
function pickCandidates(imp: PermutationImportance): number[] {
  const order = Array.from(imp.importances.keys()).sort((a, b) => imp.importances[b]! - imp.importances[a]!);
  return order.slice(0, CLEVER_HANS_THRESHOLDS.maxCandidates).filter((j) => imp.importances[j]! >= CLEVER_HANS_THRESHOLDS.minImportance);
}

function assess(c: ScanContext, pipe: Pipeline, j: number, imp: PermutationImportance, raw: RawMatrix, labels: Float64Array, train: RawMatrix | undefined, trainLabels: Float64Array | undefined, majority: number, modelAccuracy: number): Candidate {
  const t = CLEVER_HANS_THRESHOLDS;
  const total = imp.importances.reduce((s, v) => s + Math.max(v, 0), 0);
  const feature = pipe.encoder.features[j]!;
  const column = Float64Array.from({ length: raw.nRows }, (_, i) => raw.data[i * raw.nFeatures + j]!);
  const uniqueFraction = distinctFraction(column, train, j);
  const orderCorrelation = spearmanWithOrder(column);
  const k = c.classes.length;
  let soloAccuracy = Number.NaN;
  let retrainDrop = Number.NaN;
  if (train && trainLabels) {
    const solo = fitCart(columns(train, [j]), trainLabels, k, [feature], { maxDepth: 3, minSamplesLeaf: 10 });
    soloAccuracy = accuracyOf(solo, columns(raw, [j]), labels);
    const others = Array.from({ length: raw.nFeatures }, (_, q) => q).filter((q) => q !== j);
    const feats = pipe.encoder.features;
    const full = fitCart(train, trainLabels, k, feats, { maxDepth: 6, minSamplesLeaf: 10 });
    const without = fitCart(columns(train, others), trainLabels, k, others.map((q) => feats[q]!), { maxDepth: 6, minSamplesLeaf: 10 });
    retrainDrop = accuracyOf(full, raw, labels) - accuracyOf(without, columns(raw, others), labels);
  }
  const lift = modelAccuracy > majority ? (soloAccuracy - majority) / (modelAccuracy - majority) : 0;
  const verdicts: string[] = [];
  const integers = column.every((v) => Number.isInteger(v));
  if (uniqueFraction >= t.uniqueFraction && (feature.type === 'categorical' || integers)) verdicts.push('id-like: nearly every row has its own value');
  if (Math.abs(orderCorrelation) >= t.orderCorrelation) verdicts.push('id-like: the value follows the row order');
  if (retrainDrop < t.retrainDrop && imp.importances[j]! >= t.reliance && lift < t.soloLift) verdicts.push('redundant reliance: a model retrained without it is as accurate, yet this model depends on it');
  return { feature: feature.name, index: j, importance: imp.importances[j]!, share: total > 0 ? imp.importances[j]! / total : 0, uniqueFraction, orderCorrelation, soloAccuracy, soloLift: lift, retrainDrop, verdicts };
}

/** The leak verdict compares candidates: a high solo lift that stands out from every other feature's. */
function markLeaks(candidates: Candidate[]): void {
  const t = CLEVER_HANS_THRESHOLDS;
  for (const cand of candidates) {
    const others = candidates.filter((o) => o !== cand).map((o) => (Number.isFinite(o.soloLift) ? o.soloLift : 0));
    const next = others.length ? Math.max(...others) : 0;
    if (cand.soloLift >= t.soloLift && cand.soloLift >= next + t.soloMargin) {
      cand.verdicts.unshift(`leak: alone it recovers ${(cand.soloLift * 100).toFixed(0)}% of the model's lift over the majority class (next best feature ${(next * 100).toFixed(0)}%)`);
    }
  }
}

function finding(c: ScanContext, cand: Candidate, modelAccuracy: number, majority: number, n: number): Finding {
  const leakOrId = cand.verdicts.some((v) => v.startsWith('leak') || v.startsWith('id-like'));
  const severity: Severity = leakOrId ? 'high' : 'low';
  return {
    id: `clever-hans/${cand.feature}`,
    detector: 'clever-hans',
    severity,
    title: `"${cand.feature}" dominates the model in a suspicious way (${cand.verdicts.map((v) => v.split(':')[0]).join(', ')})`,
    summary: `Shuffling ${cand.feature} costs ${(cand.importance * 100).toFixed(1)} accuracy points (${(cand.share * 100).toFixed(0)}% of all permutation importance). ${cand.verdicts.join('; ')}. Alone it reaches accuracy ${cand.soloAccuracy.toFixed(3)} (model ${modelAccuracy.toFixed(3)}, majority class ${majority.toFixed(3)}); a tree retrained without it changes held-out accuracy by ${(-cand.retrainDrop * 100).toFixed(1)} points.`,
    metric: 'permutation_importance',
    value: cand.importance,
    baseline: 0,
    examples: [],
    evidence: { n, ...cand, thresholds: CLEVER_HANS_THRESHOLDS, seed: c.seed },
    suggestion: leakOrId ? `Check how ${cand.feature} is produced: if it is recorded after the outcome, derived from the label, or an identifier, drop it and retrain.` : `The model leans on ${cand.feature} although the other features carry the same information; check that it will be available and reliable in production.`,
    reproduce: reproduceCommand(c),
  };
}

function section(candidates: Candidate[], modelAccuracy: number, majority: number): ReportSection {
  return {
    id: 'clever-hans',
    title: 'Clever Hans check',
    blocks: [
      { kind: 'text', markdown: `The most important features were checked for id-likeness, leakage and redundant reliance. Model accuracy ${modelAccuracy.toFixed(4)}, majority class ${majority.toFixed(4)}.` },
      {
        kind: 'table',
        caption: 'Candidates (largest permutation importance)',
        columns: ['feature', 'importance', 'share', 'unique fraction', 'order ρ', 'solo accuracy', 'solo lift', 'retrain drop', 'verdict'],
        rows: candidates.map((x) => [x.feature, x.importance, x.share, x.uniqueFraction, x.orderCorrelation, x.soloAccuracy, x.soloLift, x.retrainDrop, x.verdicts.join('; ') || 'ok']),
      },
    ],
  };
}

function trainLabelsOf(c: ScanContext): { rows: Int32Array; labels: Float64Array } | undefined {
  const train = c.train;
  const target = c.schema.target;
  if (!train || !target || !c.trainRaw) return undefined;
  const column = train.columns.find((col) => col.name === target.name);
  if (!column || column.kind === 'text') return undefined;
  const classes = c.classes;
  const values = column.kind === 'categorical' ? Array.from(column.codes, (code) => classes.indexOf(column.categories[code] ?? '')) : Array.from(column.values, (v) => (Number.isInteger(v) && v >= 0 && v < classes.length ? v : -1));
  const rows = Int32Array.from(values.keys()).filter((i) => values[i]! >= 0);
  return { rows, labels: Float64Array.from(rows, (i) => values[i]!) };
}

function subset(raw: RawMatrix, rows: Int32Array): RawMatrix {
  const f = raw.nFeatures;
  const data = new Float64Array(rows.length * f);
  rows.forEach((r, i) => data.set(raw.data.subarray(r * f, (r + 1) * f), i * f));
  return { data, nRows: rows.length, nFeatures: f };
}

function columns(raw: RawMatrix, keep: readonly number[]): RawMatrix {
  const data = new Float64Array(raw.nRows * keep.length);
  for (let i = 0; i < raw.nRows; i++) for (let q = 0; q < keep.length; q++) data[i * keep.length + q] = raw.data[i * raw.nFeatures + keep[q]!]!;
  return { data, nRows: raw.nRows, nFeatures: keep.length };
}

function accuracyOf(tree: ReturnType<typeof fitCart>, raw: RawMatrix, labels: Float64Array): number {
  let correct = 0;
  for (let i = 0; i < raw.nRows; i++) if (predictCart(tree, raw, i) === labels[i]) correct++;
  return correct / raw.nRows;
}

function majorityAccuracy(labels: Float64Array, k: number): number {
  const counts = new Float64Array(Math.max(k, 1));
  for (const y of labels) counts[y]! += 1;
  return Math.max(...counts) / labels.length;
}

/** Spearman correlation between a column and the row index (average ranks for ties). */
function spearmanWithOrder(values: Float64Array): number {
  const n = values.length;
  const order = Array.from(values.keys()).sort((a, b) => values[a]! - values[b]!);
  const rank = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]!] === values[order[i]!]) j++;
    for (let q = i; q <= j; q++) rank[order[q]!] = (i + j) / 2;
    i = j + 1;
  }
  const mean = (n - 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rank[i]! - mean) * (i - mean);
    sxx += (rank[i]! - mean) ** 2;
    syy += (i - mean) ** 2;
  }
  return sxx === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}


/** Distinct values per row of feature j over the audited rows and the training rows together. */
function distinctFraction(column: Float64Array, train: RawMatrix | undefined, j: number): number {
  const seen = new Set(column);
  const nTrain = train?.nRows ?? 0;
  for (let i = 0; i < nTrain; i++) seen.add(train!.data[i * train!.nFeatures + j]!);
  return seen.size / (column.length + nTrain);
}
