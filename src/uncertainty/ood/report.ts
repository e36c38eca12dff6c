import type { ReportBlock } from '../../results/blocks.js';
import type { OodEvaluation } from './evaluate.js';

export interface OodResultRow extends OodEvaluation {
  readonly method: string;
  readonly oodSet: string;
  /** Where the score is computed (probabilities, logits of a layer, a feature layer). */
  readonly source: string;
}

const r4 = (v: number): number | null => (Number.isFinite(v) ? Math.round(v * 1e4) / 1e4 : null);

/** A table of AUROC / AUPR / FPR@95%TPR per score and OOD set, a grouped bar chart of AUROC, and the skipped scores with reasons. */
export function oodReportBlocks(rows: readonly OodResultRow[], skipped: readonly { method: string; reason: string }[]): ReportBlock[] {
  const blocks: ReportBlock[] = [
    {
      kind: 'table',
      caption: 'OOD detection: higher scores mean "more likely out of distribution"; AUROC 0.5 is chance; FPR@95%TPR is the share of OOD rows accepted when 95% of in-distribution rows are',
      columns: ['score', 'OOD set', 'computed on', 'AUROC', 'AUPR (OOD positive)', 'AUPR (in positive)', 'FPR@95%TPR', 'n in', 'n OOD'],
      rows: rows.map((r) => [r.method, r.oodSet, r.source, r4(r.auroc), r4(r.auprOut), r4(r.auprIn), r4(r.fprAt95Tpr), r.nIn, r.nOut]),
    },
  ];
  if (rows.length > 0) {
    blocks.push({
      kind: 'chart',
      caption: 'AUROC per OOD score and OOD set',
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        data: { values: rows.map((r) => ({ score: r.method, oodSet: r.oodSet, auroc: r.auroc })) },
        mark: 'bar',
        encoding: {
          x: { field: 'score', type: 'nominal', title: null, sort: null },
          xOffset: { field: 'oodSet' },
          y: { field: 'auroc', type: 'quantitative', scale: { domain: [0, 1] }, title: 'AUROC' },
          color: { field: 'oodSet', type: 'nominal', title: 'OOD set' },
        },
        width: 480,
        height: 220,
      },
    });
  }
  if (skipped.length > 0) blocks.push({ kind: 'table', caption: 'Scores not computed', columns: ['score', 'reason'], rows: skipped.map((s) => [s.method, s.reason]) });
  return blocks;
}
