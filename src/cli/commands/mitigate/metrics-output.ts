import type { MetricChange, MitigationMetricName } from '../../../fairness/mitigation-change.js';
import type { MitigationMetrics } from '../../../fairness/mitigation-metrics.js';
import type { ReportBlock } from '../../../results/blocks.js';

const nullable = (v: number | null): number | null => (v === null || Number.isNaN(v) ? null : v);

/** The JSON form of one side: the four numbers, their intervals beside them, n and the per-group rates. */
export function metricsJson(m: MitigationMetrics): Record<string, unknown> {
  return {
    n: m.n,
    accuracy: nullable(m.accuracy),
    fprDifference: m.fprDifference,
    tprDifference: m.tprDifference,
    selectionRateDifference: m.selectionRateDifference,
    intervals: m.intervals,
    groups: m.groups.map((g) => ({ group: g.group, n: g.n, accuracy: g.accuracy, selectionRate: g.selectionRate, fpr: g.fpr, tpr: g.tpr })),
  };
}

const fmt = (v: number | null, digits = 3): string => (v === null || Number.isNaN(v) ? '—' : v.toFixed(digits));
const ci = (i: { low: number; high: number }): string => (Number.isNaN(i.low) ? '—' : `[${fmt(i.low)}, ${fmt(i.high)}]`);


/** Before/after table of the four metrics with their 95% intervals, and the per-group rates. */
export function beforeAfterBlocks(before: MitigationMetrics, after: MitigationMetrics, caption: string, change?: Record<MitigationMetricName, MetricChange>): ReportBlock[] {
  const rows: [string, 'accuracy' | 'fprDifference' | 'tprDifference' | 'selectionRateDifference'][] = [
    ['accuracy', 'accuracy'],
    ['FPR difference (max − min)', 'fprDifference'],
    ['TPR difference (max − min)', 'tprDifference'],
    ['selection-rate difference (max − min)', 'selectionRateDifference'],
  ];
  const methods = [...new Set(rows.map(([, k]) => before.intervals[k].method.replace(/ for .*$/, '')))].join('; ');
  return [
    {
      kind: 'table',
      caption: `${caption} (${before.n} held-out rows; intervals 95%: ${methods})`,
      columns: ['metric', 'before', 'before CI', 'after', 'after CI', 'change', ...(change ? ['change CI (paired)'] : [])],
      rows: rows.map(([label, k]) => {
        const b = before[k];
        const a = after[k];
        return [label, fmt(b), ci(before.intervals[k]), fmt(a), ci(after.intervals[k]), b === null || a === null ? '—' : `${a - b >= 0 ? '+' : ''}${(a - b).toFixed(3)}`, ...(change ? [ci(change[k].interval)] : [])];
      }),
    },
    {
      kind: 'table',
      caption: 'Per group on the held-out rows, before → after',
      columns: ['group', 'n', 'FPR before', 'FPR after', 'TPR before', 'TPR after', 'selection before', 'selection after'],
      rows: before.groups.map((g) => {
        const a = after.groups.find((x) => x.group === g.group);
        return [g.group, g.n, fmt(g.fpr), fmt(a?.fpr ?? null), fmt(g.tpr), fmt(a?.tpr ?? null), fmt(g.selectionRate), fmt(a?.selectionRate ?? null)];
      }),
    },
  ];
}
