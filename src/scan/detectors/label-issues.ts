import type { Detector, ScanContext } from '../detector.js';
import type { Finding, Severity } from '../../results/finding.js';
import { crossFitProbabilities } from '../../labels/cross-fit.js';
import { labelIssueBlocks } from '../../labels/blocks.js';
import { logisticLearner } from '../../labels/learners.js';
import { labelIssueReport, type LabelIssueReport, type ProbabilitySource } from '../../labels/report.js';
import { labelledRows, pick } from '../predictions.js';
import { reproduceCommand } from '../reproduce.js';
import { labelIssueImageGrid } from '../label-issue-images.js';

/** Fewer labelled rows than this give too few per class for thresholds and folds. */
const MIN_ROWS = 30;
const FOLDS = 5;
const METRIC = 'share of rows with a suspected label issue';

/**
 * Rows whose label looks wrong, by confident learning (Northcutt et al. 2021; cleanlab's find_label_issues).
 * The probabilities must not come from a model that trained on the row: with a train/test split, the
 * audited model's outputs on the test rows are used; without one, tabular data gets a 5-fold cross-fitted
 * logistic-regression baseline on the model's encoded inputs; other data falls back to the model's outputs,
 * and the finding says they may be in-sample.
 */
export const labelIssues: Detector = {
  id: 'label-issues',
  title: 'Label issues',
  category: 'data',
  applies(context) {
    if (context.model.task === 'regression') return 'regression task: label issues need class labels';
    const rows = labelledRows(context.labels).length;
    if (rows === 0) return 'the data has no labels';
    if (rows < MIN_ROWS) return `only ${rows} labelled rows (needs ${MIN_ROWS})`;
    if (context.classes.length < 2) return 'fewer than two classes';
    return true;
  },
  async run(context) {
    const rows = labelledRows(context.labels);
    const labels = Int32Array.from(pick(context.labels, rows));
    const k = context.classes.length;
    context.progress('probabilities for confident learning');
    const { probabilities, source, inSample } = outOfSample(context, rows, labels, k);
    const features = context.pipeline?.encoder.features;
    const raw = context.raw;
    const report = labelIssueReport({
      probabilities,
      labels,
      classes: context.classes,
      rowIds: Int32Array.from(rows, (i) => context.table.rowIds[i]!),
      source,
      ...(raw && features ? { raw: { data: pick(raw.data, rows, raw.nFeatures), nRows: rows.length, nFeatures: raw.nFeatures }, features: features.map((f) => ({ name: f.name, type: f.type, ...(f.categories ? { categories: f.categories } : {}) })) } : {}),
      options: { level: context.options.confidence },
    });
    const mask = new Uint8Array(context.table.nRows);
    const flaggedRows = new Set(report.rowIds);
    for (let i = 0; i < context.table.nRows; i++) if (flaggedRows.has(context.table.rowIds[i]!)) mask[i] = 1;
    const findings = report.flagged > 0 ? [finding(context, report, inSample)] : [];
    const blocks = labelIssueBlocks(report, { maxRows: 15 });
    const images = context.x ? await labelIssueImageGrid(report, context.x, context.table.rowIds, 8) : undefined;
    if (images) blocks.splice(2, 0, images);
    return {
      findings,
      sections: [{ id: 'label-issues', title: 'Label issues (confident learning)', blocks }],
      data: { ...report, inSample },
      ...(findings.length ? { rows: { [findings[0]!.id]: mask } } : {}),
    };
  },
};

function outOfSample(context: ScanContext, rows: Int32Array, labels: Int32Array, k: number): { probabilities: Float64Array; source: ProbabilitySource; inSample: boolean } {
  const width = context.model.outputWidth;
  const modelName = 'the audited model';
  if (context.train) {
    return { probabilities: Float64Array.from(pick(context.outputs, rows, width)), source: { kind: 'model', description: `${modelName} on the ${rows.length} labelled rows of the test split` }, inSample: false };
  }
  if (declaresOutOfFold(context.model)) {
    return { probabilities: Float64Array.from(pick(context.outputs, rows, width)), source: { kind: 'model', description: `${modelName}'s out-of-fold outputs (a cross-fitted model: each row is scored by the fit that did not see it), ${rows.length} labelled rows` }, inSample: false };
  }
  if (context.pipeline && context.raw) {
    const encoded = context.pipeline.encoder.encode(context.raw);
    const d = context.pipeline.encoder.outputWidth;
    const x = Float64Array.from(pick(encoded, rows, d));
    const learner = logisticLearner();
    const fitted = crossFitProbabilities(x, rows.length, d, labels, k, { folds: FOLDS, seed: context.seed, learner, ...(context.signal ? { signal: context.signal } : {}), onFold: (done, total) => context.progress(`cross-fitting fold ${done}/${total}`) });
    return { probabilities: fitted.probabilities, source: { kind: 'cross-fit', description: `${learner.name} on the model's encoded inputs, ${FOLDS}-fold stratified cross-fitting (seed ${context.seed}); the data has no train/test split, so the model's own outputs could be in-sample`, learner: learner.name, folds: FOLDS, seed: context.seed }, inSample: false };
  }
  return { probabilities: Float64Array.from(pick(context.outputs, rows, width)), source: { kind: 'model', description: `${modelName} on all ${rows.length} labelled rows (no train/test split: if the model trained on them, its probabilities are in-sample and fewer issues are found)` }, inSample: true };
}

/**
 * A cross-fitted model (e.g. the baseline GAM `scan` trains without --model) scores each of its own training
 * rows with the fit that did not see it; it says so structurally with its fold count and the fold of each row.
 */
function declaresOutOfFold(model: ScanContext['model']): boolean {
  const m = model as { readonly folds?: unknown; readonly fold?: unknown };
  return typeof m.folds === 'number' && m.folds >= 2 && m.fold instanceof Int32Array;
}

function finding(context: ScanContext, report: LabelIssueReport, inSample: boolean): Finding {
  const share = report.flaggedShare;
  const top = report.noiseRates[0];
  const hot = report.concentration.find((b) => b.qValue < 0.05 && (b.lift ?? 0) > 1);
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const parts = [
    `${report.flagged} of ${report.n} labelled rows (${pct(share)}) have a label that confident learning finds unlikely given ${report.probabilities.kind === 'cross-fit' ? 'a cross-fitted baseline' : "the model's held-out probabilities"}.`,
    top ? `Most common: labelled "${top.given}" but probably "${top.truth}" (about ${top.count} ${top.count === 1 ? 'row' : 'rows'}, ${pct(top.shareOfGiven)} of the "${top.given}" labels).` : '',
    hot ? `They concentrate where ${hot.description} (${pct(hot.rate)} flagged, ${pct(hot.interval.low)}–${pct(hot.interval.high)}, q=${hot.qValue.toPrecision(2)}).` : '',
    inSample ? 'The probabilities may be in-sample (no train/test split), so more issues may exist.' : '',
  ];
  return {
    id: 'label-issues/suspected-rows',
    detector: 'label-issues',
    severity: severityFor(share),
    title: `${report.flagged} rows look mislabelled (${pct(share)})`,
    summary: parts.filter(Boolean).join(' '),
    metric: METRIC,
    value: share,
    interval: { low: report.flaggedInterval.low, high: report.flaggedInterval.high, level: report.flaggedInterval.level, method: `wilson for ${METRIC}` },
    examples: report.rowIds.slice(0, 10),
    evidence: {
      n: report.n,
      flagged: report.flagged,
      estimatedIssues: report.estimatedIssues,
      filterBy: report.filterBy,
      rankBy: report.rankBy,
      probabilities: report.probabilities.description,
      seed: context.seed,
      examples: report.rowIds.slice(0, 10).map((row, t) => ({ row, given: report.givenLabels[t], suggested: report.suggestedLabels[t], score: report.scores[t] })),
      noiseRates: report.noiseRates.slice(0, 5),
      ...(hot ? { concentration: { slice: hot.description, n: hot.n, flagged: hot.issues, rate: hot.rate, qValue: hot.qValue } } : {}),
    },
    suggestion: 'Review the example rows by hand (glassbox label-issues lists them all with suggested labels); relabel or drop those that are wrong, then retrain. Errors concentrated in one slice point to a labelling process problem there.',
    reproduce: reproduceCommand(context),
  };
}

function severityFor(share: number): Severity {
  return share >= 0.1 ? 'high' : share >= 0.03 ? 'medium' : 'low';
}
