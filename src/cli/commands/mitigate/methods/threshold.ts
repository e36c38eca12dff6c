import { GlassboxError } from '../../../../errors.js';
import { mitigationMetrics } from '../../../../fairness/mitigation-metrics.js';
import { thresholdMitigationRows } from '../../../../fairness/mitigation-report.js';
import { mitigationChange } from '../../../../fairness/mitigation-change.js';
import { loadAuditInputs } from '../../../audit-inputs.js';
import { parseChoice } from '../../../options.js';
import type { MitigationContext, MitigationOutcome } from '../method.js';
import { beforeAfterBlocks, metricsJson } from '../metrics-output.js';
import { groupTables, protectedSpec } from '../protected-grouping.js';

const CONSTRAINTS = ['demographic_parity', 'equalized_odds', 'equal_opportunity'] as const;

/**
 * `--method threshold`: group-specific (randomized) thresholds (Hardt, Price & Srebro 2016), fitted on a
 * seeded half of the audited rows and judged on the other half. The model is not changed.
 */
export async function thresholdMethod(context: MitigationContext): Promise<MitigationOutcome> {
  const { flags, seed } = context;
  const constraint = parseChoice('--constraint', flags.constraint as string | undefined, CONSTRAINTS, 'equalized_odds');
  const threshold = flags.threshold === undefined ? 0.5 : Number(flags.threshold);
  const audit = await loadAuditInputs({ ...flags, format: 'json', seed: String(seed) });
  if (!audit.outcomes.scores) throw new GlassboxError('invalid_argument', '--method threshold needs scores, but the predictions are hard labels.', { argument: '--method', hint: 'Pass probabilities (a score column or --model), or use a training method.' });
  const spec = protectedSpec(flags.protected, audit.table, audit.schema);
  const [grouping] = groupTables(spec, [audit.table]);
  const rows = thresholdMitigationRows(grouping!, audit.outcomes.labels, audit.outcomes.scores, { constraint, threshold, seed });
  const before = mitigationMetrics(rows.grouping, rows.labels, rows.before, { seed, signal: context.signal });
  const after = mitigationMetrics(rows.grouping, rows.labels, rows.after, { seed, signal: context.signal });
  const change = mitigationChange(rows.grouping, rows.labels, rows.before, rows.after, { seed, signal: context.signal });
  const heldOutRowIds = Array.from(rows.heldOut, (i) => audit.table.rowIds[i]!);
  return {
    json: {
      protected: spec.name,
      heldOut: { rows: rows.heldOut.length, fitRows: rows.fit.length, how: `a seeded (seed ${seed}) random half of the audited rows; the policy was fitted on the other half`, rowIds: heldOutRowIds },
      before: metricsJson(before),
      after: metricsJson(after),
      change,
      policy: rows.policy,
    },
    blocks: [
      { kind: 'text', markdown: `Group thresholds (${constraint}) on **${spec.name}**, fitted on ${rows.fit.length} audited rows and judged on the other ${rows.heldOut.length}. The "after" decisions are randomized where the policy mixes two thresholds (seed ${seed}).` },
      ...beforeAfterBlocks(before, after, `Threshold optimizer on ${spec.name}: before → after`, change),
    ],
  };
}
