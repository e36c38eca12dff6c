import { GlassboxError } from '../../../errors.js';
import type { ReportBlock } from '../../../results/blocks.js';
import { discoverSlices } from '../../../slice/discover.js';
import { errorHeatmap } from '../../../slice/error-heatmap.js';
import { rowErrors } from '../../../slice/outcomes.js';
import { auditOutcomeColumns, loadAuditInputs, refuseNamedOutcomeColumns, type AuditFlags } from '../../audit-inputs.js';
import { parseChoice, parseIntegerFlag, parseList } from '../../options.js';
import { renderBlocks } from '../../render.js';

export interface SlicesFlags extends AuditFlags {
  maxOrder?: string;
  minSupport?: string;
  minEffect?: string;
  fdr?: string;
  features?: string;
  keepDerived?: string;
}

function parseFraction(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const v = Number(value);
  if (!(v >= 0)) throw new GlassboxError('invalid_argument', `${flag} must be a non-negative number; got "${value}".`, { argument: flag });
  return v;
}

/** `glassbox slices`: where the model fails — FDR-controlled slice discovery plus an error heatmap. */
export async function runSlices(flags: SlicesFlags): Promise<void> {
  const format = parseChoice('--format', flags.format, ['json', 'table', 'html'] as const, 'table');
  const maxOrder = parseIntegerFlag('--max-order', flags.maxOrder, 3);
  const audit = await loadAuditInputs(flags);
  const featureNames = flags.features ? parseList(flags.features) : audit.schema.features.filter((f) => f.type === 'numeric' || f.type === 'categorical').map((f) => f.name);
  if (flags.features) refuseNamedOutcomeColumns(audit, featureNames, '--features');
  const keepDerived = flags.keepDerived ? parseList(flags.keepDerived) : undefined;
  if (keepDerived) refuseNamedOutcomeColumns(audit, keepDerived, '--keep-derived');
  const errors = rowErrors(audit.outcomes);
  const discovery = discoverSlices(audit.table, featureNames, errors, {
    outcomes: { ...auditOutcomeColumns(audit, Boolean(flags.predictions)), ...(keepDerived ? { keepDerived } : {}) },
    maxOrder: Math.max(1, maxOrder),
    minSupport: parseFraction('--min-support', flags.minSupport, 0.01),
    minEffect: parseFraction('--min-effect', flags.minEffect, 0.05),
    fdr: parseFraction('--fdr', flags.fdr, 0.05),
    seed: parseIntegerFlag('--seed', flags.seed, 0),
  });
  const slices = discovery.slices.map(({ conditions: _c, examples, ...s }) => ({ ...s, examples: examples.map((k) => audit.table.rowIds[k]!) }));
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify({ version: 1, metric: 'error_rate', rows: discovery.rows, overall: discovery.overall, tested: discovery.tested, hypotheses: discovery.hypotheses, minSupport: discovery.minSupport, test: discovery.test, excluded: discovery.excluded, slices }, null, 2)}\n`);
    return;
  }
  const blocks: ReportBlock[] = [
    { kind: 'text', markdown: `${discovery.tested} slices tested on ${discovery.rows} rows (FDR controlled over all ${Math.round(discovery.hypotheses).toLocaleString('en-US')} conjunctions the search could test); overall error rate ${discovery.overall.toFixed(3)}; ${slices.length} reported at FDR ${flags.fdr ?? 0.05}.${discovery.excluded.length ? ` Not sliced on: ${discovery.excluded.map((e) => `${e.column} (${e.reason})`).join('; ')}.` : ''}` },
    { kind: 'table', caption: 'Slices', columns: ['slice', 'n', 'error rate', 'CI low', 'CI high', 'rest', 'q'], rows: slices.map((s) => [s.description, s.n, s.metric, s.interval.low, s.interval.high, s.restMetric, s.qValue]) },
  ];
  const top = discovery.slices[0];
  if (top && format === 'html') {
    const feats = [...new Set(top.predicates.map((p) => p.feature))].slice(0, 2);
    blocks.push({ kind: 'chart', caption: 'Error heatmap', spec: errorHeatmap(audit.table, errors, feats[0]!, feats[1]).spec });
  }
  process.stdout.write(await renderBlocks(format, 'glassbox slices', blocks));
}
