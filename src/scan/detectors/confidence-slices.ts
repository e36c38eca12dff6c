import { discoverSlices } from '../../slice/discover.js';
import type { Candidate } from '../../slice/slice-search.js';
import { zCritical } from '../../math/stats/normal.js';
import type { ReportBlock } from '../../results/blocks.js';
import type { Detector } from '../detector.js';
import { sliceFinding, sliceInputs, sliceRows, sliceTable } from './weak-slices.js';

/**
 * |confidence − accuracy| a slice must exceed, with its whole interval beyond it, to be reported as
 * over- or under-confident.
 */
export const CALIBRATION_GAP = 0.05;

/**
 * Whether a slice is miscalibrated in the searched direction on its own terms: its mean
 * confidence − accuracy and its whole interval lie beyond ±CALIBRATION_GAP. Being less over-confident
 * than the rest of the data is not being under-confident: the complement of an over-confident slice
 * passes the search's comparison with the rest, and fails this.
 */
export function miscalibrated(s: { readonly interval: { readonly low: number; readonly high: number } }, direction: 1 | -1): boolean {
  return direction === 1 ? s.interval.low >= CALIBRATION_GAP : s.interval.high <= -CALIBRATION_GAP;
}

/** miscalibrated() on a search candidate, with the normal interval the reported slice will carry. */
function admitCandidate(direction: 1 | -1, level: number): (c: Candidate) => boolean {
  const z = zCritical(level);
  return (c) => {
    const sd = Math.sqrt(Math.max(0, (c.sumSq - (c.sum * c.sum) / c.n) / Math.max(1, c.n - 1)));
    const half = (z * sd) / Math.sqrt(c.n);
    return miscalibrated({ interval: { low: c.mean - half, high: c.mean + half } }, direction);
  };
}

/**
 * Over- and under-confidence slices: the per-row gap between the predicted class's probability and
 * whether the prediction was right (confidence − correctness; its mean is the slice's calibration gap).
 * The search finds slices where it is significantly higher (over-confident) or lower (under-confident)
 * than elsewhere (Welch t-tests, BH over every slice tested in both directions' searches); a slice is
 * then reported only if its own gap is beyond ±CALIBRATION_GAP with its interval on that side
 * (miscalibrated).
 */
export const confidenceSlices: Detector = {
  id: 'confidence-slices',
  title: 'Over- and under-confident slices',
  category: 'uncertainty',
  applies(context) {
    if (context.model.task === 'regression') return 'regression task (no class probabilities)';
    if (!context.schema.features.some((f) => f.type === 'numeric' || f.type === 'categorical')) return 'the input is images or text: there are no tabular columns to slice on';
    return context.labels.some((y) => y >= 0) ? true : 'the data has no labels';
  },
  async run(context) {
    const inputs = sliceInputs(context);
    const gap = Float64Array.from(inputs.confidence, (c, k) => c - (1 - inputs.errors[k]!));
    const fdr = 1 - context.options.confidence;
    const common = { maxOrder: 2, fdr, minEffect: 0.05, test: 't' as const, seed: context.seed, level: context.options.confidence, ...(context.signal ? { signal: context.signal } : {}) };
    const overSearch = discoverSlices(inputs.table, inputs.columns, gap, { ...common, direction: 1, admit: admitCandidate(1, context.options.confidence) });
    const underSearch = discoverSlices(inputs.table, inputs.columns, gap, { ...common, direction: -1, admit: admitCandidate(-1, context.options.confidence) });
    const over = overSearch.slices.filter((s) => miscalibrated(s, 1));
    const under = underSearch.slices.filter((s) => miscalibrated(s, -1));
    const metric = 'confidence − accuracy';
    const findings = [
      ...over.map((s) => sliceFinding('confidence-slices/over', s, inputs, context, { metric, title: 'Over-confident slice', binary: false, suggestion: 'Recalibrate (temperature or per-group calibration) or abstain on this slice; check for distribution shift.' })),
      ...under.map((s) => sliceFinding('confidence-slices/under', s, inputs, context, { metric, title: 'Under-confident slice', binary: false, suggestion: 'The model is right more often than it claims here; recalibration can sharpen its probabilities.' })),
    ];
    const rows = Object.fromEntries([...over.map((s) => sliceRows(context, overSearch.features, s)), ...under.map((s) => sliceRows(context, underSearch.features, s))].map((mask, k) => [findings[k]!.id, mask]));
    const tested = overSearch.tested + underSearch.tested;
    const blocks: ReportBlock[] = [
      {
        kind: 'text',
        markdown: `Mean confidence − accuracy over all rows: ${overSearch.overall.toFixed(3)} (${tested} slices tested). A slice is reported when its own gap and its ${Math.round(context.options.confidence * 100)}% interval lie beyond ±${CALIBRATION_GAP}: a slice that only differs from the rest of the data (such as the complement of an over-confident slice) is not itself miscalibrated.${over.length + under.length === 0 ? ' No slice is over- or under-confident by that rule.' : ''}`,
      },
      ...(over.length ? [{ ...sliceTable(over, metric), caption: 'Over-confident slices' } as ReportBlock] : []),
      ...(under.length ? [{ ...sliceTable(under, metric), caption: 'Under-confident slices' } as ReportBlock] : []),
    ];
    const strip = <T extends { conditions: unknown }>({ conditions: _c, ...rest }: T): Omit<T, 'conditions'> => rest;
    return { findings, rows, sections: [{ id: 'confidence-slices', title: 'Over- and under-confident slices', blocks }], data: { overall: overSearch.overall, threshold: CALIBRATION_GAP, over: over.map(strip), under: under.map(strip) } };
  },
};
