import type { ReportBlock } from '../results/blocks.js';
import type { ChallengerComparison, ChallengerKind, ChallengerResult } from './compare.js';
import type { PairedDifference } from './paired-bootstrap.js';
import { pairHeatmapBlock, shapeFunctionBlock } from './shape-charts.js';

const NAMES: Record<ChallengerKind, string> = { gam: 'GAM (EBM-style)', linear: 'sparse logistic regression (L1)', tree: 'decision tree (depth ≤ 4)' };
const f3 = (v: number | null | undefined): string => (v === null || v === undefined || Number.isNaN(v) ? 'n/a' : v.toFixed(3));
const signed = (v: number | null): string => (v === null ? 'n/a' : `${v >= 0 ? '+' : ''}${v.toFixed(3)}`);
const withInterval = (d: PairedDifference | undefined): string => (d ? `${signed(d.difference)} [${f3(d.interval.low)}, ${f3(d.interval.high)}]` : '');

/** What the comparison means in one paragraph: the best challenger against the black box, with the AUC interval. */
function verdict(c: ChallengerComparison): string {
  const best = c.challengers.find((r) => r.kind === c.best)!;
  if (!c.blackBox || !best.differences) return `No model was given: the ${NAMES[best.kind]} is the best interpretable model here (AUC ${f3(best.auc)}, accuracy ${f3(best.accuracy)} on ${c.rows} audited rows).`;
  const d = best.differences.auc;
  const includesZero = d.interval.low <= 0 && d.interval.high >= 0;
  const lead = `The best challenger, a ${NAMES[best.kind]}, has AUC ${f3(best.auc)} against the model's ${f3(c.blackBox.auc)} on ${c.rows} audited rows: a difference of ${signed(d.difference)} (95% ${d.interval.method} interval ${f3(d.interval.low)} to ${f3(d.interval.high)}).`;
  const meaning = includesZero
    ? ' The interval includes 0: on these rows the two rank rows equally well within the sampling error, so the black box may not be needed.'
    : d.interval.high < 0
      ? ' The black box ranks better; where the two disagree is worth looking at (below).'
      : ' The interpretable model ranks better than the black box.';
  const dis = c.disagreement ? ` They decide differently on ${c.disagreement.rows} rows (${(100 * c.disagreement.rate).toFixed(1)}%)${c.disagreement.blackBoxRightRate === null ? '' : `, where the black box is right ${(100 * c.disagreement.blackBoxRightRate).toFixed(0)}% of the time`}.` : '';
  return lead + meaning + dis;
}

function summaryTable(c: ChallengerComparison): ReportBlock {
  if (!c.blackBox) {
    return { kind: 'table', caption: `Test metrics on ${c.rows} audited rows (challengers trained on ${c.trainRows} rows).`, columns: ['model', 'AUC', 'accuracy', 'log loss', 'fit (s)'], rows: c.challengers.map((r) => [NAMES[r.kind], r.auc, r.accuracy, r.logLoss, Number(r.fitSeconds.toFixed(2))]) };
  }
  const rows: (string | number | null)[][] = [[`model (${c.blackBox.name})`, c.blackBox.auc, c.blackBox.accuracy, c.blackBox.logLoss, '', '', '', '']];
  for (const r of c.challengers) rows.push([NAMES[r.kind], r.auc, r.accuracy, r.logLoss, withInterval(r.differences?.auc), withInterval(r.differences?.accuracy), withInterval(r.differences?.logLoss), Number(r.fitSeconds.toFixed(2))]);
  return {
    kind: 'table',
    caption: `Test metrics on ${c.rows} audited rows (challengers trained on ${c.trainRows} rows); differences are challenger − model with 95% paired bootstrap intervals (${c.iterations} resamples, seed ${c.seed}).`,
    columns: ['model', 'AUC', 'accuracy', 'log loss', 'Δ AUC', 'Δ accuracy', 'Δ log loss', 'fit (s)'],
    rows,
  };
}

function gamBlocks(r: ChallengerResult, maxShapes: number): ReportBlock[] {
  const gam = r.gam!;
  const mains = gam.terms.filter((t) => t.kind === 'main').sort((a, b) => b.importance - a.importance);
  const pairs = gam.terms.filter((t) => t.kind === 'pair').sort((a, b) => b.importance - a.importance);
  const blocks: ReportBlock[] = [
    { kind: 'text', markdown: `Each feature's shape function adds to the log-odds (intercept ${gam.intercept.toFixed(3)}); ${mains.length} main effects and ${pairs.length} pairs. The ${Math.min(maxShapes, mains.length)} most important are drawn; all are in the JSON output (\`challengers[].gam\`).` },
    { kind: 'table', caption: 'GAM terms by importance (mean |contribution| over the training rows, log-odds)', columns: ['term', 'importance'], rows: [...mains, ...pairs].sort((a, b) => b.importance - a.importance).map((t) => [t.kind === 'main' ? t.feature : `${t.features[0]} × ${t.features[1]}`, Number(t.importance.toFixed(4))]) },
  ];
  for (const t of mains.slice(0, maxShapes)) if (t.kind === 'main') blocks.push(shapeFunctionBlock(t, 'log-odds'));
  for (const t of pairs.slice(0, 2)) if (t.kind === 'pair') blocks.push(pairHeatmapBlock(t, 'log-odds'));
  return blocks;
}

function linearBlocks(r: ChallengerResult): ReportBlock[] {
  const l = r.linear!;
  return [
    { kind: 'text', markdown: `Lasso path of ${l.path.lambdas.length} λ values; λ = ${l.lambda.toPrecision(3)} chosen by held-out log loss keeps ${l.nonzero} of ${l.columns} columns (intercept ${l.intercept.toFixed(3)}).` },
    { kind: 'table', caption: 'Non-zero coefficients (log-odds per unit; "per sd" per standard deviation of the column), largest effect first', columns: ['column', 'coefficient', 'per sd'], rows: l.coefficients.slice(0, 30).map((c) => [c.column, Number(c.coefficient.toPrecision(4)), Number(c.standardized.toPrecision(4))]) },
  ];
}

/** Report blocks of a challenger comparison: verdict, metrics table, and each challenger's own view. */
export function challengerBlocks(c: ChallengerComparison, options: { maxShapes?: number } = {}): ReportBlock[] {
  const blocks: ReportBlock[] = [{ kind: 'text', markdown: verdict(c) }, summaryTable(c)];
  for (const r of c.challengers) {
    blocks.push({ kind: 'text', markdown: `**${NAMES[r.kind]}**` });
    if (r.gam) blocks.push(...gamBlocks(r, options.maxShapes ?? 8));
    if (r.linear) blocks.push(...linearBlocks(r));
    if (r.tree) blocks.push({ kind: 'text', markdown: `Depth ${r.tree.depth}, ${r.tree.leaves} leaves; "yes" follows the condition.\n\n\`\`\`\n${r.tree.text}\n\`\`\`` });
  }
  return blocks;
}
