import { discoverSlices, type Discovery } from '../../slice/discover.js';
import { excludeOutcomeColumns } from '../../slice/outcome-columns.js';
import type { ExcludedColumn } from '../../slice/outcome-columns.js';
import { filterRows } from '../../slice/search-features.js';
import type { Candidate } from '../../slice/slice-search.js';
import { wilsonInterval } from '../../math/stats/wilson.js';
import { zCritical } from '../../math/stats/normal.js';
import { balancedAccuracyGap, readBaseRates } from './base-rates.js';
import type { DiscoveredSlice } from '../../slice/slice-merge.js';
import { errorHeatmap } from '../../slice/error-heatmap.js';
import { errorTree } from '../../slice/error-tree.js';
import type { ReportBlock } from '../../results/blocks.js';
import type { Detector, ScanContext } from '../detector.js';
import type { Finding, Severity } from '../../results/finding.js';
import { reproduceCommand } from '../reproduce.js';
import { takeRows } from '../../data/table.js';
import type { Table } from '../../data/table.js';
import { labelledRows, predictedClasses } from '../predictions.js';

/** Labelled rows of a scan with per-row predictions, errors and confidences, for the slice detectors. */
export interface SliceInputs {
  readonly table: Table;
  readonly columns: readonly string[];
  readonly labels: Float64Array;
  readonly predictions: Int32Array;
  /** 1 when the prediction is wrong (classification) or |error| (regression). */
  readonly errors: Float64Array;
  /** Probability of the predicted class (classification). */
  readonly confidence: Float64Array;
  /** P(positive class) (binary tasks). */
  readonly scores?: Float64Array;
  /** Feature columns left out of slicing: the label, the split, or derived from the label and predictions. */
  readonly excluded: readonly ExcludedColumn[];
}

/** Restricts the scan context to labelled rows and derives the per-row quantities the detectors search over. */
export function sliceInputs(context: ScanContext): SliceInputs {
  const rows = labelledRows(context.labels);
  const width = context.model.outputWidth;
  const allPredictions = predictedClasses(context.outputs, width, context.model.task);
  const n = rows.length;
  const labels = new Float64Array(n);
  const predictions = new Int32Array(n);
  const errors = new Float64Array(n);
  const confidence = new Float64Array(n);
  const binary = context.model.task === 'binary';
  const scores = binary ? new Float64Array(n) : undefined;
  for (let k = 0; k < n; k++) {
    const i = rows[k]!;
    labels[k] = context.labels[i]!;
    if (context.model.task === 'regression') {
      errors[k] = Math.abs(context.outputs[i * width]! - labels[k]!);
      continue;
    }
    predictions[k] = allPredictions[i]!;
    errors[k] = predictions[k] !== labels[k] ? 1 : 0;
    confidence[k] = context.outputs[i * width + predictions[k]!]!;
    if (scores) scores[k] = context.outputs[i * width + width - 1]!;
  }
  const featureNames = new Set(context.schema.features.filter((f) => f.type === 'numeric' || f.type === 'categorical').map((f) => f.name));
  const candidates = context.table.columns.filter((c) => featureNames.has(c.name) && c.kind !== 'text').map((c) => c.name);
  const table = takeRows(context.table, rows);
  const classification = context.model.task !== 'regression';
  // The model's scores are a function of its inputs by construction, so only label/prediction copies count as derived.
  const { kept: columns, excluded } = excludeOutcomeColumns(table, candidates, {
    label: context.schema.target?.name,
    split: context.schema.split?.column,
    ...(classification ? { labels, decisions: predictions } : {}),
  });
  return { table, columns, labels, predictions, errors, confidence, excluded, ...(scores ? { scores } : {}) };
}

function severity(effect: number, binary: boolean): Severity {
  if (!binary) return effect > 0 ? 'medium' : 'low';
  return effect >= 0.2 ? 'high' : effect >= 0.1 ? 'medium' : 'low';
}

export function sliceFinding(detector: string, s: DiscoveredSlice, inputs: SliceInputs, context: ScanContext, what: { metric: string; title: string; suggestion: string; binary: boolean }): Finding {
  return {
    id: `${detector}/${s.description}`,
    detector,
    severity: severity(s.effect, what.binary),
    title: `${what.title}: ${s.description}`,
    summary: `${what.metric} is ${s.metric.toFixed(3)} (${(s.interval.level * 100).toFixed(0)}% CI ${s.interval.low.toFixed(3)}–${s.interval.high.toFixed(3)}, n=${s.n}, ${(s.support * 100).toFixed(1)}% of rows) against ${s.restMetric.toFixed(3)} elsewhere (p=${s.pValue.toExponential(2)}, q=${s.qValue.toExponential(2)}).`,
    metric: what.metric,
    value: s.metric,
    baseline: s.restMetric,
    interval: { ...s.interval, method: `${s.interval.method} for ${what.metric}` },
    slice: s.predicates,
    examples: s.examples.map((k) => inputs.table.rowIds[k]!),
    evidence: { n: s.n, support: s.support, effect: s.effect, statistic: s.statistic, pValue: s.pValue, qValue: s.qValue },
    suggestion: what.suggestion,
    reproduce: `${reproduceCommand(context)}  # or: glassbox slices --data … --model …`,
  };
}

/**
 * A weak slice's error gap read beside balanced accuracy: a slice made mostly of the harder class errs
 * more without the model serving it worse. When the gap does not survive balancing, the severity drops
 * to low (info when reversed) and the title says the gap comes from base rates.
 */
function withBaseRates(f: Finding, s: DiscoveredSlice, features: Discovery['features'], inputs: SliceInputs, context: ScanContext): Finding {
  const level = context.options.confidence;
  const member = new Int8Array(inputs.labels.length);
  for (const k of filterRows(features, s.conditions, member.length)) member[k] = 1;
  const balanced = balancedAccuracyGap(member, inputs.labels, inputs.predictions, context.classes.length, { level, seed: context.seed });
  const reading = readBaseRates(balanced, s.effect, context.classes, level);
  if (reading.survives) return { ...f, severity: severity(Math.min(s.effect, balanced.gap), true), summary: `${f.summary} ${reading.sentence}`, evidence: { ...f.evidence, ...reading.evidence } };
  return { ...f, severity: reading.reversed ? 'info' : 'low', title: `${f.title}, explained by base rates`, summary: `${f.summary} ${reading.sentence}`, evidence: { ...f.evidence, ...reading.evidence } };
}

/** The audited rows a discovered slice covers, as a 0/1 mask over `context.table` (for grouping findings). */
export function sliceRows(context: ScanContext, features: Discovery['features'], slice: DiscoveredSlice): Uint8Array {
  const labelled = labelledRows(context.labels);
  const mask = new Uint8Array(context.table.nRows);
  for (const k of filterRows(features, slice.conditions, labelled.length)) mask[labelled[k]!] = 1;
  return mask;
}

export function sliceTable(slices: readonly DiscoveredSlice[], metric: string): ReportBlock {
  return {
    kind: 'table',
    caption: `Slices ranked by effect × √n (${metric}; Benjamini–Hochberg q-values over every slice tested)`,
    columns: ['slice', 'n', metric, 'CI low', 'CI high', 'rest', 'p', 'q'],
    rows: slices.map((s) => [s.description, s.n, round(s.metric), round(s.interval.low), round(s.interval.high), round(s.restMetric), s.pValue, s.qValue]),
  };
}

const round = (x: number): number => Number(x.toFixed(4));

/** " Not sliced on: a (why); b (why)." or "" — outcome columns are named so their absence is not a surprise. */
export function notSlicedOn(excluded: readonly ExcludedColumn[]): string {
  return excluded.length ? ` Not sliced on: ${excluded.map((e) => `${e.column} (${e.reason})`).join('; ')}.` : '';
}

/**
 * A weak slice must be worse than the model overall, not only than the rest of the data: its own error
 * (Wilson interval for 0/1 errors, normal interval otherwise) lies entirely above the overall mean.
 */
function worseThanOverall(errors: Float64Array, binary: boolean, level: number): (c: Candidate) => boolean {
  let overall = 0;
  for (const e of errors) overall += e / errors.length;
  const z = zCritical(level);
  return (c) => {
    if (binary) return wilsonInterval(c.sum, c.n, level).low > overall;
    const sd = Math.sqrt(Math.max(0, (c.sumSq - (c.sum * c.sum) / c.n) / Math.max(1, c.n - 1)));
    return c.mean - (z * sd) / Math.sqrt(c.n) > overall;
  };
}

/**
 * Weak slices: conjunctions of up to 3 feature conditions where the model errs significantly more than
 * elsewhere (beam search, FDR-controlled, merged), plus the error tree and an error heatmap.
 */
export const weakSlices: Detector = {
  id: 'weak-slices',
  title: 'Weak slices',
  category: 'slices',
  applies(context) {
    if (!context.labels.some((y) => y >= 0)) return 'the data has no labels';
    if (!context.schema.features.some((f) => f.type === 'numeric' || f.type === 'categorical')) return 'the input is images or text: there are no tabular columns to slice on';
    return true;
  },
  async run(context) {
    const inputs = sliceInputs(context);
    const binary = context.model.task !== 'regression';
    const metric = binary ? 'error rate' : 'absolute error';
    const level = context.options.confidence;
    const discovery = discoverSlices(inputs.table, inputs.columns, inputs.errors, { maxOrder: 3, fdr: 1 - level, minEffect: binary ? 0.05 : 0, seed: context.seed, level, admit: worseThanOverall(inputs.errors, binary, level), ...(context.signal ? { signal: context.signal } : {}) });
    context.progress(`weak slices: ${discovery.tested} slices tested`);
    const found = discovery.slices.map((s) => sliceFinding('weak-slices', s, inputs, context, { metric, title: 'Weak slice', binary, suggestion: 'Collect or label more data like this slice, check its labels, or add features that separate it; compare with `glassbox slices` for the full list.' }));
    const findings = binary ? found.map((f, k) => withBaseRates(f, discovery.slices[k]!, discovery.features, inputs, context)) : found;
    const blocks: ReportBlock[] = [
      { kind: 'text', markdown: `${discovery.tested} slices tested on ${discovery.rows} labelled rows (min support ${discovery.minSupport}); overall ${metric} ${discovery.overall.toFixed(3)}. A slice is reported when it is significantly worse than the rest of the data and its ${Math.round(level * 100)}% interval lies above the overall ${metric}.${discovery.slices.length ? '' : ' No slice qualifies.'}${notSlicedOn([...inputs.excluded, ...discovery.excluded])}` },
      ...(discovery.slices.length ? [sliceTable(discovery.slices, metric)] : []),
    ];
    const top = discovery.slices[0];
    if (top) {
      const feats = [...new Set(top.predicates.map((p) => p.feature))].slice(0, 2);
      const map = errorHeatmap(inputs.table, inputs.errors, feats[0]!, feats[1], { metricName: metric });
      blocks.push({ kind: 'chart', caption: `${metric} heatmap over ${feats.join(' × ')}`, spec: map.spec });
    }
    const tree = errorTree(inputs.table, inputs.columns, inputs.errors);
    const leaves = tree.filter((t) => !t.children).sort((a, b) => b.rate - a.rate);
    blocks.push({ kind: 'table', caption: 'Error tree leaves (depth 3, ≤ 31 leaves, ≥ 20 rows per leaf)', columns: ['path', 'n', metric], rows: leaves.map((l) => [l.predicates.map((p) => `${p.feature} ${p.op} ${String(p.value)}`).join(' and ') || 'all', l.n, round(l.rate)]) });
    const rows = Object.fromEntries(discovery.slices.map((s, k) => [findings[k]!.id, sliceRows(context, discovery.features, s)]));
    return { findings, rows, sections: [{ id: 'weak-slices', title: 'Weak slices', blocks }], data: { tested: discovery.tested, overall: discovery.overall, excluded: [...inputs.excluded, ...discovery.excluded], slices: discovery.slices.map(({ conditions: _c, ...s }) => s), errorTree: tree } };
  },
};
