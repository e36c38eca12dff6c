import type { Predicate } from '../../data/predicate.js';
import type { ReportBlock } from '../../results/blocks.js';
import type { Finding, Severity } from '../../results/finding.js';
import { chartRows, coverageChartSpec, coverageTable } from '../../uncertainty/conformal/blocks.js';
import { conformalSplit } from '../../uncertainty/conformal/conformal-split.js';
import { coverageByGroup, type GroupCoverage } from '../../uncertainty/conformal/coverage.js';
import { calibrateConformalClassifier, predictSets, type PredictionSets } from '../../uncertainty/conformal/split-conformal.js';
import type { Detector, ScanContext } from '../detector.js';
import { scanGroups, type GroupAssignment } from '../groups.js';
import { labelledRows } from '../predictions.js';
import { reproduceCommand } from '../reproduce.js';

/** Default miscoverage of the scan's conformal sets (`options.conformalAlpha` overrides it). */
export const SCAN_CONFORMAL_ALPHA = 0.1;
/** Labelled audited rows needed: half calibrate, and ⌈(n+1)(1−α)⌉ must not exceed that half. */
const MIN_ROWS = 40;

function alphaOf(context: ScanContext): number {
  const a = context.options.conformalAlpha;
  return typeof a === 'number' && a > 0 && a < 1 ? a : SCAN_CONFORMAL_ALPHA;
}

function severityFor(shortfall: number): Severity {
  return shortfall >= 0.1 ? 'high' : shortfall >= 0.05 ? 'medium' : 'low';
}

/** Probabilities of some rows as float64, n × k. */
function probsAt(context: ScanContext, rows: Int32Array): Float64Array {
  const k = context.model.outputWidth;
  const out = new Float64Array(rows.length * k);
  for (let i = 0; i < rows.length; i++) for (let c = 0; c < k; c++) out[i * k + c] = context.outputs[rows[i]! * k + c]!;
  return out;
}

interface Attribute {
  readonly grouping: GroupAssignment;
  readonly marginal: readonly GroupCoverage[];
  readonly perGroup: readonly GroupCoverage[];
}

/**
 * Conformal coverage per protected group. Split conformal guarantees coverage ≥ 1 − α on average over
 * all rows, not within a group: a group the model serves worse can get sets that miss its true class
 * far more often — a weaker guarantee for that group, which is why this is a fairness finding. The
 * audited rows (held out from training) are split by a seeded permutation into calibration and
 * evaluation halves — the training rows are never used, since the model was fitted on them. LAC sets at
 * α = 0.1 are calibrated on one half and evaluated on the other; a group is reported when its whole
 * Clopper–Pearson coverage interval lies below 1 − α. Beside it, the same rows calibrated per group
 * (Mondrian, a q̂ per group) show what group-conditional calibration restores and what it costs in set size.
 */
export const conformalCoverage: Detector = {
  id: 'conformal-coverage',
  title: 'Conformal coverage per protected group',
  category: 'fairness',
  applies(context) {
    if (context.model.task === 'regression') return 'regression task: prediction sets are for classifiers (glassbox conformal --score residual|cqr gives intervals)';
    if (!context.schema.protected?.length) return 'no protected attributes: pass --protected a,b or add "protected" to the schema';
    const n = labelledRows(context.labels).length;
    if (n === 0) return 'the data has no labels';
    if (context.outputs.some((p) => !(p >= 0 && p <= 1))) return 'the model outputs are not probabilities in [0, 1], which conformal scores need';
    return n >= MIN_ROWS ? true : `${n} labelled rows: split conformal needs at least ${MIN_ROWS} (half of them calibrate)`;
  },
  async run(context) {
    const alpha = alphaOf(context);
    const level = context.options.confidence;
    const k = context.model.outputWidth;
    const { calibration, evaluation } = conformalSplit(labelledRows(context.labels), 0.5, context.seed);
    const calProbs = probsAt(context, calibration);
    const evalProbs = probsAt(context, evaluation);
    const calLabels = Float64Array.from(calibration, (i) => context.labels[i]!);
    const evalLabels = Float64Array.from(evaluation, (i) => context.labels[i]!);
    const marginalModel = calibrateConformalClassifier(calProbs, k, calLabels, { alpha, score: 'lac', seed: context.seed });
    const marginalSets = predictSets(marginalModel, evalProbs);
    const attributes: Attribute[] = scanGroups(context).map((grouping) => {
      const calCodes = Int32Array.from(calibration, (i) => grouping.codes[i]!);
      const evalCodes = Int32Array.from(evaluation, (i) => grouping.codes[i]!);
      const grouped = calibrateConformalClassifier(calProbs, k, calLabels, { alpha, score: 'lac', conditioning: 'group', seed: context.seed }, calCodes);
      return {
        grouping,
        marginal: coverageByGroup(marginalSets, evalLabels, evalCodes, grouping.labels, level),
        perGroup: coverageByGroup(predictSets(grouped, evalProbs, evalCodes), evalLabels, evalCodes, grouping.labels, level),
      };
    });
    const findings: Finding[] = [];
    const rows: Record<string, Uint8Array> = {};
    for (const a of attributes) {
      a.marginal.forEach((g, code) => {
        if (g.n === 0 || !g.coverageInterval || g.coverageInterval.high >= 1 - alpha) return;
        const finding = gapFinding(context, a, code, { alpha, qhat: marginalModel.thresholds[0]!.qhat, calibrationRows: calibration.length, evaluation, sets: marginalSets, evalLabels });
        findings.push(finding);
        rows[finding.id] = Uint8Array.from(a.grouping.codes, (c, i) => (c === code && context.labels[i]! >= 0 ? 1 : 0));
      });
    }
    const q = marginalModel.thresholds[0]!;
    const intro: ReportBlock = {
      kind: 'text',
      markdown: `LAC prediction sets at α = ${alpha} (target coverage ${1 - alpha}): the ${labelledRows(context.labels).length} labelled audited rows are split by a seeded permutation (seed ${context.seed}) into ${calibration.length} calibration and ${evaluation.length} evaluation rows; training rows are never used, because the model was fitted on them. Marginal q̂ = ${q.infinite ? '+∞' : q.qhat.toFixed(4)} (the ${q.rank}-th smallest of ${q.n} scores). Coverage is guaranteed on average over all rows, not within a group; a group is reported when its whole ${Math.round(level * 100)}% Clopper–Pearson coverage interval lies below ${1 - alpha}. "q̂ per group" calibrates each group on its own calibration rows (Mondrian), which restores coverage within every group at the cost of set size.`,
    };
    const tables = attributes.flatMap((a) => [
      coverageTable(`By ${a.grouping.name}: one q̂ for everyone`, a.marginal),
      coverageTable(`By ${a.grouping.name}: a q̂ per group`, a.perGroup),
    ]);
    const chart: ReportBlock = {
      kind: 'chart',
      caption: `Coverage (dashed: target ${1 - alpha}) and mean set size per group: one q̂ pooled over all calibration rows, and a q̂ per group`,
      spec: coverageChartSpec(attributes.flatMap((a) => [...chartRows(`${a.grouping.name}, pooled q̂`, a.marginal), ...chartRows(`${a.grouping.name}, q̂ per group`, a.perGroup)]), alpha, level),
    };
    return {
      findings,
      rows,
      sections: [{ id: 'conformal-coverage', title: 'Conformal coverage per protected group', blocks: [intro, chart, ...tables] }],
      data: {
        alpha,
        score: 'lac',
        seed: context.seed,
        calibrationRows: calibration.length,
        evaluationRows: evaluation.length,
        qhat: q.infinite ? null : q.qhat,
        qhatInfinite: q.infinite,
        attributes: attributes.map((a) => ({ attribute: a.grouping.name, marginal: a.marginal, perGroupCalibration: a.perGroup })),
      },
    };
  },
};

interface GapInputs {
  readonly alpha: number;
  readonly qhat: number;
  readonly calibrationRows: number;
  readonly evaluation: Int32Array;
  readonly sets: PredictionSets;
  readonly evalLabels: Float64Array;
}

function gapFinding(context: ScanContext, a: Attribute, code: number, inputs: GapInputs): Finding {
  const g = a.marginal[code]!;
  const fixed = a.perGroup[code]!;
  const target = 1 - inputs.alpha;
  const ci = g.coverageInterval!;
  const who = `${a.grouping.name} = ${g.group}`;
  const codes = a.grouping.codes;
  const missed: number[] = [];
  for (let j = 0; j < inputs.evaluation.length && missed.length < 10; j++) {
    const i = inputs.evaluation[j]!;
    const y = inputs.evalLabels[j]!;
    if (codes[i] === code && !inputs.sets.mask[j * inputs.sets.k + y]) missed.push(context.table.rowIds[i]!);
  }
  const slice: Predicate[] = [{ feature: a.grouping.name, op: '==', value: g.group }];
  const pct = Math.round(context.options.confidence * 100);
  return {
    id: `conformal-coverage/${a.grouping.name}=${g.group}`,
    detector: 'conformal-coverage',
    severity: severityFor(target - g.coverage!),
    title: `Conformal sets under-cover ${who}`,
    summary: `Prediction sets meant to hold the true class ${Math.round(target * 100)}% of the time hold it for ${who} only ${(g.coverage! * 100).toFixed(1)}% of the time (${pct}% Clopper–Pearson ${ci.low.toFixed(3)}–${ci.high.toFixed(3)}, n=${g.n}; mean set size ${g.averageSetSize!.toFixed(2)}). Calibrating per group restores ${fixed.coverage === null ? '—' : (fixed.coverage * 100).toFixed(1)}% with mean set size ${fixed.averageSetSize === null ? '—' : fixed.averageSetSize.toFixed(2)}.`,
    metric: 'conformal coverage',
    value: g.coverage!,
    baseline: target,
    interval: { low: ci.low, high: ci.high, level: ci.level, method: 'clopper-pearson for conformal coverage' },
    slice,
    examples: missed,
    evidence: {
      n: g.n,
      covered: g.covered,
      alpha: inputs.alpha,
      score: 'lac',
      qhat: inputs.qhat,
      calibrationRows: inputs.calibrationRows,
      evaluationRows: inputs.evaluation.length,
      coverageGap: g.coverage! - target,
      coverageGapInterval: { low: ci.low - target, high: ci.high - target, level: ci.level, method: 'clopper-pearson for coverage, minus 1 − α' },
      averageSetSize: g.averageSetSize,
      emptyRate: g.emptyRate,
      perGroupCalibration: { coverage: fixed.coverage, coverageInterval: fixed.coverageInterval, averageSetSize: fixed.averageSetSize },
      seed: context.seed,
      split: 'audited rows, seeded permutation, half calibrate',
    },
    suggestion: `Calibrate conformal sets per group (glassbox conformal --mondrian ${a.grouping.name}) so every group gets the guarantee, and look at why the model is less sure of the true class for ${who} (its per-group performance and calibration).`,
    reproduce: reproduceCommand(context),
  };
}
