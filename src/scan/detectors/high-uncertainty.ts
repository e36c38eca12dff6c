import { matchPredicates } from '../../data/predicate.js';
import type { ReportBlock } from '../../results/blocks.js';
import type { Finding, Severity } from '../../results/finding.js';
import { discoverSlices } from '../../slice/discover.js';
import type { DiscoveredSlice } from '../../slice/slice-merge.js';
import { uncertaintyVsErrors } from '../../uncertainty/predictive/error-detection.js';
import { predictiveReportBlocks } from '../../uncertainty/predictive/report.js';
import { predictiveSummaries } from '../../uncertainty/predictive/summaries.js';
import { mcDropoutSamples, mcDropoutUnavailable } from '../../uncertainty/mc-dropout/mc-dropout-samples.js';
import type { Detector, DetectorResult, ScanContext } from '../detector.js';
import { reproduceCommand } from '../reproduce.js';
import { auditedInput } from './model-input.js';

/** MC-dropout passes in the scan (the `glassbox uncertainty` default is 30; fewer keep the scan quick). */
const PASSES = 20;
/** Rows scored at most (a seeded random subset beyond). */
const MAX_ROWS = 5000;
const FDR = 0.05;

/**
 * Slices whose predictions are unusually uncertain: mutual information (epistemic uncertainty, in nats)
 * per row from MC dropout (Gal & Ghahramani 2016) with the model's own dropout, then a slice search over
 * the data's feature columns for slices whose mean MI exceeds the rest's by at least the overall
 * mean (Welch t-test, Benjamini–Hochberg over every conjunction of up to two conditions). Runs only for
 * models with dropout to sample (the `Stochastic` capability); an ensemble of several files is a
 * `glassbox uncertainty --model a,b` run, not a scan.
 */
export const highUncertainty: Detector = {
  id: 'high-uncertainty',
  title: 'Slices with high predictive uncertainty',
  category: 'uncertainty',
  applies: (c) => {
    const reason = mcDropoutUnavailable(c.model);
    if (reason !== undefined) return `${reason}; for a deep ensemble run glassbox uncertainty --model a,b,… --method ensemble`;
    return auditedInput(c) ? true : 'needs the model input of the audited rows (tabular data with an encoder, or images)';
  },
  run: (c) => runHighUncertainty(c),
};

async function runHighUncertainty(c: ScanContext): Promise<DetectorResult> {
  const x = auditedInput(c)!;
  c.progress(`MC dropout: ${PASSES} passes over ${x.shape[0]} rows`);
  const samples = await mcDropoutSamples(c.model, x, { passes: PASSES, seed: c.seed, ...(c.signal ? { signal: c.signal } : {}), onProgress: (done, total) => c.progress(`MC dropout pass ${done}/${total}`) });
  const s = predictiveSummaries(samples, { binary: c.model.task === 'binary' });
  const labels = Array.from(c.labels, (v) => (Number.isFinite(v) ? v : -1));
  const errors = labels.some((y) => y >= 0) ? uncertaintyVsErrors(s, labels) : undefined;
  const overall = s.mutualInformation.reduce((a, b) => a + b, 0) / Math.max(1, s.rows);
  const columns = c.schema.features.filter((f) => (f.type === 'numeric' || f.type === 'categorical') && c.table.columns.some((col) => col.name === f.name)).map((f) => f.name);
  const minEffect = Math.max(1e-6, overall);
  const discovery = columns.length > 0 && x.shape[0]! <= MAX_ROWS ? discoverSlices(c.table, columns, s.mutualInformation, { maxOrder: 2, minEffect, fdr: FDR, seed: c.seed, outcomes: { label: c.schema.target?.name, split: c.schema.split?.column, labels } }) : undefined;
  const findings = (discovery?.slices ?? []).slice(0, 5).map((slice) => finding(c, slice, overall, discovery!.hypotheses));
  const blocks: ReportBlock[] = [
    { kind: 'text', markdown: `MC dropout with the model's own dropout, ${PASSES} passes (seed ${c.seed}). Mutual information is the epistemic part of the predictive entropy: how much the passes disagree. Mean MI over ${s.rows} rows: ${overall.toFixed(4)} nats. ${discovery ? `Slice search over ${columns.length} feature columns (${discovery.hypotheses} hypotheses, FDR ${FDR}) for slices whose mean MI exceeds the rest's by at least ${minEffect.toFixed(4)} nats (the overall mean): ${discovery.slices.length} found.` : columns.length === 0 ? 'The data has no feature columns to slice on.' : `Slice search skipped above ${MAX_ROWS} rows.`}` },
    ...predictiveReportBlocks(s, { method: `MC dropout, ${PASSES} passes`, rowIds: c.table.rowIds, classes: c.classes, labels, ...(errors ? { errors } : {}) }),
  ];
  const rows: Record<string, Uint8Array> = {};
  (discovery?.slices ?? []).slice(0, 5).forEach((slice, k) => (rows[findings[k]!.id] = matchPredicates(c.table, slice.predicates)));
  return {
    findings,
    sections: [{ id: 'high-uncertainty', title: 'Predictive uncertainty (MC dropout)', blocks }],
    data: { method: 'mc-dropout', passes: PASSES, seed: c.seed, rows: s.rows, meanEntropy: s.entropy.reduce((a, b) => a + b, 0) / Math.max(1, s.rows), meanMutualInformation: overall, ...(errors ? { errors } : {}), slices: discovery?.slices.map((sl) => ({ description: sl.description, n: sl.n, meanMutualInformation: sl.metric, restMeanMutualInformation: sl.restMetric, interval: sl.interval, pValue: sl.pValue, qValue: sl.qValue })) ?? [] },
    rows,
  };
}

function finding(c: ScanContext, slice: DiscoveredSlice, overall: number, hypotheses: number): Finding {
  const ratio = overall > 0 ? slice.metric / overall : Infinity;
  const severity: Severity = ratio >= 3 ? 'medium' : 'low';
  return {
    id: `high-uncertainty/${slice.description}`,
    detector: 'high-uncertainty',
    severity,
    title: `Predictions are unusually uncertain where ${slice.description}`,
    summary: `Mean mutual information ${slice.metric.toFixed(4)} nats in the slice (n = ${slice.n}) vs ${slice.restMetric.toFixed(4)} on the rest (${ratio.toFixed(1)}× the overall mean), from ${PASSES} MC-dropout passes; q = ${slice.qValue.toExponential(2)} (Benjamini–Hochberg over ${hypotheses} hypotheses).`,
    metric: 'mutualInformation',
    value: slice.metric,
    baseline: slice.restMetric,
    interval: { ...slice.interval, method: `${slice.interval.method} for mutualInformation` },
    slice: slice.predicates,
    examples: slice.examples.map((i) => c.table.rowIds[i]!),
    evidence: { n: slice.n, support: slice.support, pValue: slice.pValue, qValue: slice.qValue, fdr: FDR, hypotheses, passes: PASSES, seed: c.seed, method: 'mc-dropout', overallMeanMutualInformation: overall },
    suggestion: 'The model is unsure here because its weights disagree (epistemic uncertainty): collect more training data like this slice, or route these predictions to review.',
    reproduce: reproduceCommand(c),
  };
}
