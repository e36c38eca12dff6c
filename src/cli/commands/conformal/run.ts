import { GlassboxError } from '../../../errors.js';
import type { ReportBlock } from '../../../results/blocks.js';
import { conformalBlocks, describeThreshold } from '../../../uncertainty/conformal/blocks.js';
import { evaluateConformal, type ConformalEvaluation, type RowGrouping } from '../../../uncertainty/conformal/evaluate.js';
import type { ConformalQuantile } from '../../../uncertainty/conformal/quantile.js';
import type { ConformalScore } from '../../../uncertainty/conformal/scores.js';
import { setOf, type ConformalConditioning } from '../../../uncertainty/conformal/split-conformal.js';
import type { InputFlags } from '../../load-inputs.js';
import { parseChoice, parseIntegerFlag } from '../../options.js';
import { renderBlocks } from '../../render.js';
import { asProbabilities, readLabels, readMatrix } from './file-inputs.js';
import { groupingAt, loadModelRows } from './model-inputs.js';
import { runConformalRegression, type RegressionRows } from './regression.js';

export interface ConformalFlags extends InputFlags {
  calibrationPredictions?: string;
  calibrationLabels?: string;
  predictions?: string;
  calibrationFraction?: string;
  alpha?: string;
  score?: string;
  lambda?: string;
  kReg?: string;
  randomized?: boolean;
  mondrian?: string;
  seed?: string;
  format?: string;
}

const SCORES = ['lac', 'aps', 'raps', 'residual', 'cqr'] as const;

function parseNumber(flag: string, value: string | undefined, fallback: number, check: (x: number) => boolean, range: string): number {
  if (value === undefined) return fallback;
  const x = Number(value);
  if (!Number.isFinite(x) || !check(x)) throw new GlassboxError('invalid_argument', `${flag} must be ${range}; got "${value}".`, { argument: flag, hint: `e.g. ${flag} ${fallback}` });
  return x;
}

/** What every output says about a threshold; +∞ is null in JSON with `infinite: true`. */
export function thresholdJson(t: ConformalQuantile, bin: string): Record<string, unknown> {
  return { bin, qhat: t.infinite ? null : t.qhat, infinite: t.infinite, rank: t.rank, n: t.n };
}

interface ClassificationRows {
  readonly k: number;
  readonly classes: readonly string[];
  readonly calibration: { readonly probs: Float64Array; readonly labels: Float64Array; readonly groups?: Int32Array; readonly rowIds?: Int32Array };
  readonly test: { readonly probs: Float64Array; readonly labels?: Float64Array; readonly groups?: Int32Array; readonly groupings: readonly RowGrouping[]; readonly rowIds: Int32Array };
  readonly source: Record<string, unknown>;
  readonly split: string | null;
  /** Group-conditional calibration: the names of the groups, by code. */
  readonly groupLabels?: readonly string[];
}

/** `glassbox conformal`: prediction sets or intervals with a coverage guarantee, and how they cover per class and group. */
export async function runConformal(flags: ConformalFlags): Promise<void> {
  const format = parseChoice('--format', flags.format, ['json', 'table', 'html'] as const, 'table');
  const alpha = parseNumber('--alpha', flags.alpha, 0.1, (x) => x > 0 && x < 1, 'in (0, 1)');
  const seed = parseIntegerFlag('--seed', flags.seed, 0);
  const fraction = parseNumber('--calibration-fraction', flags.calibrationFraction, 0.5, (x) => x > 0 && x < 1, 'in (0, 1)');
  const scoreFlag = flags.score === undefined ? undefined : parseChoice('--score', flags.score, SCORES, 'lac');
  const fromFiles = flags.calibrationPredictions !== undefined || flags.predictions !== undefined;
  const fromModel = flags.model !== undefined || flags.data !== undefined || flags.demo !== undefined;
  if (fromFiles === fromModel) {
    throw new GlassboxError('invalid_argument', fromFiles ? 'Use either saved predictions (--calibration-predictions …) or --model/--data/--demo, not both.' : 'Give saved predictions (--calibration-predictions, --calibration-labels, --predictions) or a model and data (--model M --data D, or --demo).', { argument: '--calibration-predictions', hint: 'e.g. glassbox conformal --calibration-predictions cal.npy --calibration-labels y.npy --predictions test.npy' });
  }
  let rows: ClassificationRows | RegressionRows;
  if (fromFiles) rows = fileRows(flags, scoreFlag);
  else {
    const loaded = await loadModelRows(flags, { fraction, seed });
    await loaded.model.dispose?.();
    const source = { data: loaded.describe.data, model: loaded.describe.model, calibrationRowIds: Array.from(loaded.calibration.rowIds) };
    if (loaded.model.task === 'regression') {
      rows = { kind: 'regression', calibration: { outputs: loaded.calibration.outputs, targets: loaded.calibration.labels }, test: { outputs: loaded.evaluation.outputs, targets: loaded.evaluation.labels, rowIds: loaded.evaluation.rowIds, groupings: loaded.groupings.map((g) => groupingAt(g, loaded.evaluation.positions)) }, width: loaded.width, source, split: loaded.split };
    } else {
      const by = flags.mondrian && flags.mondrian !== 'class' ? loaded.groupings.find((g) => g.name === flags.mondrian) : undefined;
      if (flags.mondrian && flags.mondrian !== 'class' && !by) throw new GlassboxError('invalid_argument', `--mondrian "${flags.mondrian}" is neither "class" nor a protected attribute (${loaded.groupings.map((g) => g.name).join(', ') || 'none declared'}).`, { argument: '--mondrian', hint: 'Use --mondrian class, or name an attribute given with --protected.' });
      rows = {
        k: loaded.width,
        classes: loaded.classes,
        calibration: { probs: loaded.calibration.outputs, labels: loaded.calibration.labels, ...(by ? { groups: Int32Array.from(loaded.calibration.positions, (p) => by.codes[p]!) } : {}), rowIds: loaded.calibration.rowIds },
        test: { probs: loaded.evaluation.outputs, labels: loaded.evaluation.labels, ...(by ? { groups: Int32Array.from(loaded.evaluation.positions, (p) => by.codes[p]!) } : {}), groupings: loaded.groupings.map((g) => groupingAt(g, loaded.evaluation.positions)), rowIds: loaded.evaluation.rowIds },
        source,
        split: loaded.split,
        ...(by ? { groupLabels: by.labels } : {}),
      };
    }
  }
  if ('kind' in rows) {
    if (scoreFlag && scoreFlag !== 'residual' && scoreFlag !== 'cqr') throw new GlassboxError('invalid_argument', `--score ${scoreFlag} makes prediction sets for classifiers; this is a regression model.`, { argument: '--score', hint: 'Use --score residual, or cqr for a model that outputs lower and upper quantiles.' });
    if (flags.mondrian) throw new GlassboxError('invalid_argument', '--mondrian applies to classification here; regression intervals are calibrated marginally.', { argument: '--mondrian' });
    await runConformalRegression(rows, { alpha, method: scoreFlag === 'cqr' || (!scoreFlag && rows.width === 2) ? 'cqr' : 'residual', format });
    return;
  }
  if (scoreFlag === 'residual' || scoreFlag === 'cqr') throw new GlassboxError('invalid_argument', `--score ${scoreFlag} makes intervals for regression; these are class probabilities.`, { argument: '--score', hint: 'Use --score lac, aps or raps.' });
  const score: ConformalScore = scoreFlag ?? 'lac';
  const conditioning: ConformalConditioning = !flags.mondrian ? 'marginal' : flags.mondrian === 'class' ? 'class' : 'group';
  if (conditioning === 'group' && fromFiles) throw new GlassboxError('invalid_argument', `--mondrian "${flags.mondrian}": group-conditional calibration needs the groups of the rows; with saved predictions only --mondrian class is available.`, { argument: '--mondrian', hint: 'Use --mondrian class, or --model/--data with --protected.' });
  const options = {
    alpha,
    score,
    randomized: flags.randomized === true,
    conditioning,
    seed,
    ...(flags.lambda !== undefined ? { lambda: parseNumber('--lambda', flags.lambda, 0.01, (x) => x >= 0, 'a number ≥ 0') } : {}),
    ...(flags.kReg !== undefined ? { kReg: parseIntegerFlag('--k-reg', flags.kReg, 1) } : {}),
  };
  const evaluation = evaluateConformal({ k: rows.k, classes: rows.classes, calibration: rows.calibration, test: rows.test, options });
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(classificationJson(rows, evaluation, flags.mondrian))}\n`);
    return;
  }
  const files = Object.entries(rows.source).filter(([key]) => key !== 'calibrationRowIds').map(([key, value]) => `${key}: ${String(value)}`).join(', ');
  const intro: ReportBlock = { kind: 'text', markdown: `Inputs: ${files}.${rows.split ? `\n\nCalibration rows: ${rows.split}.` : ''}` };
  const sample: ReportBlock = { kind: 'table', caption: `Prediction sets of the first ${Math.min(20, rows.test.rowIds.length)} rows`, columns: ['row', 'set', ...(rows.test.labels ? ['label', 'covered'] : [])], rows: Array.from({ length: Math.min(20, rows.test.rowIds.length) }, (_, i) => {
    const set = setOf(evaluation.sets, i).map((c) => rows.classes[c] ?? String(c));
    const y = rows.test.labels?.[i];
    return [rows.test.rowIds[i]!, `{${set.join(', ')}}`, ...(y === undefined ? [] : [rows.classes[y] ?? String(y), evaluation.sets.mask[i * rows.k + y] ? 'yes' : 'no'])];
  }) };
  process.stdout.write(await renderBlocks(format, 'glassbox conformal', [intro, ...conformalBlocks(evaluation, rows.classes, 0.95, rows.groupLabels), sample]));
}

function fileRows(flags: ConformalFlags, score: string | undefined): ClassificationRows | RegressionRows {
  for (const [flag, value] of [['--calibration-predictions', flags.calibrationPredictions], ['--calibration-labels', flags.calibrationLabels], ['--predictions', flags.predictions]] as const) {
    if (!value) throw new GlassboxError('invalid_argument', `Missing ${flag}: saved predictions need --calibration-predictions, --calibration-labels and --predictions.`, { argument: flag, hint: 'Add --labels y_test.npy to measure coverage.' });
  }
  const cal = readMatrix(flags.calibrationPredictions!, '--calibration-predictions');
  const test = readMatrix(flags.predictions!, '--predictions');
  if (cal.width !== test.width) throw new GlassboxError('shape_mismatch', `--calibration-predictions has ${cal.width} columns but --predictions has ${test.width}.`, { argument: '--predictions', hint: 'Both come from the same model: n × K probabilities.' });
  const calLabels = readLabels(flags.calibrationLabels!, '--calibration-labels', cal.n);
  const testLabels = flags.labels ? readLabels(flags.labels, '--labels', test.n) : undefined;
  const rowIds = Int32Array.from({ length: test.n }, (_, i) => i);
  const source = { calibrationPredictions: flags.calibrationPredictions, calibrationLabels: flags.calibrationLabels, predictions: flags.predictions, ...(flags.labels ? { labels: flags.labels } : {}) };
  if (score === 'residual' || score === 'cqr') {
    return { kind: 'regression', calibration: { outputs: cal.values, targets: calLabels }, test: { outputs: test.values, ...(testLabels ? { targets: testLabels } : {}), rowIds, groupings: [] }, width: cal.width, source, split: null };
  }
  const c = asProbabilities(cal);
  const t = asProbabilities(test);
  return { k: c.k, classes: Array.from({ length: c.k }, (_, i) => String(i)), calibration: { probs: c.probs, labels: calLabels }, test: { probs: t.probs, ...(testLabels ? { labels: testLabels } : {}), groupings: [], rowIds }, source, split: null };
}

function classificationJson(rows: ClassificationRows, e: ConformalEvaluation, mondrian: string | undefined): Record<string, unknown> {
  const c = e.classifier;
  const bins = c.thresholds.map((t, b) => thresholdJson(t, c.conditioning === 'class' ? (rows.classes[b] ?? String(b)) : c.conditioning === 'group' ? (rows.groupLabels?.[b] ?? String(b)) : 'all'));
  const infinite = c.thresholds.filter((t) => t.infinite);
  const warnings = infinite.map((t, b) => describeThreshold(t, c.conditioning === 'marginal' ? 'all calibration rows' : `bin ${b}`));
  const marginal = c.conditioning === 'marginal' ? c.thresholds[0]! : undefined;
  const sel = e.selective;
  const { calibrationRowIds, ...source } = rows.source;
  return {
    version: 1,
    task: 'classification',
    source,
    calibrationSplit: rows.split,
    calibrationRowIds: calibrationRowIds ?? null,
    score: c.score.score,
    randomized: c.score.randomized,
    lambda: c.score.score === 'raps' ? c.score.lambda : null,
    kReg: c.score.score === 'raps' ? c.score.kReg : null,
    alpha: c.alpha,
    seed: c.seed,
    conditioning: c.conditioning,
    mondrian: mondrian ?? null,
    qhat: marginal && !marginal.infinite ? marginal.qhat : null,
    qhatInfinite: marginal ? marginal.infinite : null,
    thresholds: bins,
    classes: rows.classes,
    rowIds: Array.from(rows.test.rowIds),
    sets: Array.from({ length: e.sets.n }, (_, i) => setOf(e.sets, i)),
    ...(e.overall ? {
      coverage: e.overall.coverage,
      coverageInterval: e.overall.coverageInterval,
      averageSetSize: e.overall.averageSetSize,
      emptyRate: e.overall.emptyRate,
      setSizeCounts: e.overall.setSizeCounts,
      perClass: e.perClass,
      perGroup: e.perGroup,
    } : {}),
    ...(sel ? { selectiveConfidence: 'max-probability', aurc: sel.aurc, optimalAurc: sel.optimalAurc, excessAurc: sel.excessAurc, errorRate: sel.errorRate, accuracyAtCoverage: sel.accuracyAtCoverage } : {}),
    warnings,
  };
}
