import { discoverSlices } from '../../slice/discover.js';
import type { ReportBlock } from '../../results/blocks.js';
import type { Detector } from '../detector.js';
import { sliceFinding, sliceInputs, sliceTable } from './weak-slices.js';

/**
 * Over- and under-confidence slices: the per-row gap between the predicted class's probability and
 * whether the prediction was right (confidence − correctness; its mean is the slice's calibration gap).
 * Slices where it is significantly higher than elsewhere are over-confident, lower under-confident
 * (Welch t-tests, BH over every slice tested in both directions' searches).
 */
export const confidenceSlices: Detector = {
  id: 'confidence-slices',
  title: 'Over- and under-confident slices',
  category: 'uncertainty',
  applies(context) {
    if (context.model.task === 'regression') return 'regression task';
    return context.labels.some((y) => y >= 0) ? true : 'the data has no labels';
  },
  async run(context) {
    const inputs = sliceInputs(context);
    const gap = Float64Array.from(inputs.confidence, (c, k) => c - (1 - inputs.errors[k]!));
    const fdr = 1 - context.options.confidence;
    const common = { maxOrder: 2, fdr, minEffect: 0.05, test: 't' as const, seed: context.seed, ...(context.signal ? { signal: context.signal } : {}) };
    const over = discoverSlices(inputs.table, inputs.columns, gap, { ...common, direction: 1 });
    const under = discoverSlices(inputs.table, inputs.columns, gap, { ...common, direction: -1 });
    const metric = 'confidence − accuracy';
    const findings = [
      ...over.slices.map((s) => sliceFinding('confidence-slices/over', s, inputs, context, { metric, title: 'Over-confident slice', binary: false, suggestion: 'Recalibrate (temperature or per-group calibration) or abstain on this slice; check for distribution shift.' })),
      ...under.slices.map((s) => sliceFinding('confidence-slices/under', s, inputs, context, { metric, title: 'Under-confident slice', binary: false, suggestion: 'The model is right more often than it claims here; recalibration can sharpen its probabilities.' })),
    ];
    const blocks: ReportBlock[] = [
      { kind: 'text', markdown: `Mean confidence − accuracy over all rows: ${over.overall.toFixed(3)} (${over.tested + under.tested} slices tested).` },
      { ...sliceTable(over.slices, metric), caption: 'Over-confident slices' } as ReportBlock,
      { ...sliceTable(under.slices, metric), caption: 'Under-confident slices' } as ReportBlock,
    ];
    const strip = <T extends { conditions: unknown }>({ conditions: _c, ...rest }: T): Omit<T, 'conditions'> => rest;
    return { findings, sections: [{ id: 'confidence-slices', title: 'Over- and under-confident slices', blocks }], data: { overall: over.overall, over: over.slices.map(strip), under: under.slices.map(strip) } };
  },
};
