import { discoverSlices } from '../../slice/discover.js';
import type { Candidate } from '../../slice/slice-search.js';
import type { DiscoveredSlice } from '../../slice/slice-merge.js';
import type { ReportBlock } from '../../results/blocks.js';
import type { Finding } from '../../results/finding.js';
import { CALIBRATION_GAP, gapIntervalFromSums, miscalibrated, type Direction } from '../../uncertainty/calibration/miscalibrated.js';
import type { ScanContext } from '../detector.js';
import { notSlicedOn, sliceFinding, sliceInputs, sliceRows, sliceTable } from './weak-slices.js';

/** miscalibrated() on a search candidate, with the normal interval the reported slice will carry. */
function admitCandidate(direction: Direction, level: number): (c: Candidate) => boolean {
  return (c) => miscalibrated({ interval: gapIntervalFromSums(c.n, c.sum, c.sumSq, level) }, direction);
}

export interface CalibrationSlices {
  readonly findings: Finding[];
  readonly rows: Record<string, Uint8Array>;
  readonly blocks: ReportBlock[];
  readonly data: Record<string, unknown>;
}

const METRIC = 'confidence − accuracy';

/**
 * Over- and under-confident slices: the per-row gap between the predicted class's probability and
 * whether the prediction was right (confidence − correctness; its mean is the slice's calibration gap).
 * The search finds slices where it is significantly higher (over-confident) or lower (under-confident)
 * than elsewhere (Welch t-tests, BH over every slice tested in both directions' searches); a slice is
 * then reported only if its own gap is beyond ±CALIBRATION_GAP with its interval on that side, so the
 * complement of an over-confident slice is never reported as under-confident.
 */
export function calibrationSlices(context: ScanContext): CalibrationSlices {
  const inputs = sliceInputs(context);
  const gap = Float64Array.from(inputs.confidence, (c, k) => c - (1 - inputs.errors[k]!));
  const level = context.options.confidence;
  const common = { maxOrder: 2, fdr: 1 - level, minEffect: 0.05, test: 't' as const, seed: context.seed, level, ...(context.signal ? { signal: context.signal } : {}) };
  const overSearch = discoverSlices(inputs.table, inputs.columns, gap, { ...common, direction: 1, admit: admitCandidate(1, level) });
  const underSearch = discoverSlices(inputs.table, inputs.columns, gap, { ...common, direction: -1, admit: admitCandidate(-1, level) });
  const over = overSearch.slices.filter((s) => miscalibrated(s, 1));
  const under = underSearch.slices.filter((s) => miscalibrated(s, -1));
  const findings = [
    ...over.map((s) => sliceFinding('miscalibration/over', s, inputs, context, { metric: METRIC, title: 'Over-confident slice', binary: false, suggestion: 'Recalibrate (temperature or per-group calibration: glassbox calibration --fit-temperature) or abstain on this slice; check for distribution shift.' })),
    ...under.map((s) => sliceFinding('miscalibration/under', s, inputs, context, { metric: METRIC, title: 'Under-confident slice', binary: false, suggestion: 'The model is right more often than it claims here; recalibration can sharpen its probabilities.' })),
  ];
  const masks = [...over.map((s) => sliceRows(context, overSearch.features, s)), ...under.map((s) => sliceRows(context, underSearch.features, s))];
  const rows = Object.fromEntries(masks.map((mask, k) => [findings[k]!.id, mask]));
  const tested = overSearch.tested + underSearch.tested;
  const blocks: ReportBlock[] = [
    {
      kind: 'text',
      markdown: `**Slices.** Mean confidence − accuracy over all labelled rows: ${overSearch.overall.toFixed(3)} (${tested} slices tested). A slice is reported when its own gap and its ${Math.round(level * 100)}% interval lie beyond ±${CALIBRATION_GAP}: a slice that only differs from the rest of the data (such as the complement of an over-confident slice) is not itself miscalibrated.${over.length + under.length === 0 ? ' No slice is over- or under-confident by that rule.' : ''}${notSlicedOn([...inputs.excluded, ...overSearch.excluded])}`,
    },
    ...(over.length ? [{ ...sliceTable(over, METRIC), caption: 'Over-confident slices' } as ReportBlock] : []),
    ...(under.length ? [{ ...sliceTable(under, METRIC), caption: 'Under-confident slices' } as ReportBlock] : []),
  ];
  const strip = ({ conditions: _c, ...rest }: DiscoveredSlice) => rest;
  return { findings, rows, blocks, data: { overall: overSearch.overall, threshold: CALIBRATION_GAP, tested, over: over.map(strip), under: under.map(strip) } };
}
