import { GlassboxError } from '../../../errors.js';
import { labelsOf } from '../../../data/schema-helpers.js';
import { rawMatrixFromTable } from '../../../encode/raw-matrix.js';
import { crossFitProbabilities } from '../../../labels/cross-fit.js';
import { gamLearner, logisticLearner, quadraticLogisticLearner } from '../../../labels/learners.js';
import { labelIssueBlocks } from '../../../labels/blocks.js';
import { FILTER_BY } from '../../../labels/prune.js';
import { RANK_BY } from '../../../labels/quality-scores.js';
import { labelIssueReport, plantedRecovery, type LabelIssueReport } from '../../../labels/report.js';
import { pipeline } from '../../../model/pipeline.js';
import type { ReportBlock } from '../../../results/blocks.js';
import { rowSize } from '../../../model/tensor.js';
import { withInterrupt } from '../../interrupt.js';
import { loadInputs, type InputFlags, type LoadedInputs } from '../../load-inputs.js';
import { parseChoice, parseIntegerFlag } from '../../options.js';
import { createProgress } from '../../progress.js';
import { renderBlocks } from '../../render.js';
import { loadBaselineInputs, type BaselineInputs, type DataFlags } from './data-inputs.js';
import { labelIssueImageGrid } from '../../../scan/label-issue-images.js';

export interface LabelIssuesFlags extends InputFlags, DataFlags {
  crossFit?: boolean;
  baseline?: string;
  folds?: string;
  filterBy?: string;
  rankBy?: string;
  bins?: string;
  top?: string;
  seed?: string;
  quiet?: boolean;
  format?: string;
}

/** `glassbox label-issues`: confident learning on cross-fitted (or held-out model) probabilities. */
export async function runLabelIssues(flags: LabelIssuesFlags): Promise<void> {
  const format = parseChoice('--format', flags.format, ['json', 'table', 'html'] as const, 'table');
  const filterBy = parseChoice('--filter-by', flags.filterBy, FILTER_BY, 'prune_by_noise_rate');
  const rankBy = parseChoice('--rank-by', flags.rankBy, RANK_BY, 'self_confidence');
  const baseline = parseChoice('--baseline', flags.baseline, BASELINES, 'logistic');
  const folds = parseIntegerFlag('--folds', flags.folds, 5, 2);
  const bins = parseIntegerFlag('--bins', flags.bins, 5, 2);
  const top = parseIntegerFlag('--top', flags.top, 25, 1);
  const seed = parseIntegerFlag('--seed', flags.seed, 0);
  if (flags.crossFit && !flags.model && !flags.demo) throw new GlassboxError('invalid_argument', '--cross-fit chooses the baseline over a model; without --model or --demo the baseline is already used.', { argument: '--cross-fit', hint: 'Drop --cross-fit.' });
  const options = { filterBy, rankBy, concentration: { bins } };
  const progress = createProgress({ quiet: flags.quiet ?? format === 'json' });
  const result = await withInterrupt('label-issues', async (signal): Promise<Outcome> => {
    if (!flags.model && !flags.demo) {
      const inputs = await loadBaselineInputs(flags);
      return { report: crossFitted(inputs, baseline, folds, seed, options, progress.update, signal) };
    }
    const inputs = await loadInputs(flags, { seed, rows: flags.crossFit ? 'all' : 'test' });
    try {
      const report = flags.crossFit ? crossFitted(baselineFromModelInputs(inputs), baseline, folds, seed, options, progress.update, signal) : await fromModel(inputs, flags, options);
      const images = format === 'html' && !flags.crossFit && inputs.x ? await labelIssueImageGrid(report, inputs.x, inputs.table.rowIds, Math.min(top, 24)) : undefined;
      return { report, planted: planted(inputs, report), ...(images ? { images } : {}) };
    } finally {
      await inputs.model.dispose?.();
    }
  });
  progress.stop();
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify({ version: 1, seed, ...result.report, ...(result.planted ? { groundTruth: result.planted } : {}) }, null, 2)}\n`);
    return;
  }
  const blocks = labelIssueBlocks(result.report, { maxRows: top, chart: format === 'html' });
  if (result.images) blocks.splice(2, 0, result.images);
  if (result.planted) blocks.push({ kind: 'text', markdown: `Demo ground truth: ${result.planted.truePositives} of the ${result.planted.flagged} flagged rows had their label flipped by the generator (precision ${fmt(result.planted.precision)}); ${result.planted.truePositives} of the ${result.planted.planted} flipped rows were flagged (recall ${fmt(result.planted.recall)}).` });
  process.stdout.write(await renderBlocks(format, 'glassbox label-issues', blocks));
}

/** What the command prints: the report, the demo's planted-flip recovery, and for images a grid of the flagged ones. */
interface Outcome {
  readonly report: LabelIssueReport;
  readonly planted?: ReturnType<typeof plantedRecovery> | undefined;
  readonly images?: ReportBlock | undefined;
}

const fmt = (x: number | null): string => (x === null ? 'undefined' : x.toFixed(3));

const BASELINES = ['logistic', 'quadratic', 'gam'] as const;
type Baseline = (typeof BASELINES)[number];

type Options = { filterBy: (typeof FILTER_BY)[number]; rankBy: (typeof RANK_BY)[number]; concentration: { bins: number } };

function crossFitted(inputs: BaselineInputs, baseline: Baseline, folds: number, seed: number, options: Options, update: (done: number, total: number, label: string) => void, signal: AbortSignal): LabelIssueReport {
  const k = inputs.classes.length;
  if (baseline === 'gam' && k !== 2) throw new GlassboxError('invalid_argument', `--baseline gam handles two classes; the labels have ${k}.`, { argument: '--baseline', hint: 'Use --baseline logistic (or quadratic) for more than two classes.' });
  if (baseline === 'gam' && inputs.features.length === 0) throw new GlassboxError('invalid_argument', '--baseline gam learns from tabular features; these inputs have none.', { argument: '--baseline', hint: 'Use --baseline logistic.' });
  const learner = baseline === 'gam' ? gamLearner(inputs.features, { seed }) : baseline === 'quadratic' ? quadraticLogisticLearner() : logisticLearner();
  // the GAM reads the raw ordinal-coded columns; the logistic baselines the encoded ones
  const x = baseline === 'gam' ? inputs.raw.data : inputs.x;
  const d = baseline === 'gam' ? inputs.raw.nFeatures : inputs.d;
  update(0, folds, `cross-fitting ${learner.name}`);
  const fitted = crossFitProbabilities(x, inputs.labels.length, d, inputs.labels, k, { folds, seed, learner, signal, onFold: (done, total) => update(done, total, `cross-fitting ${learner.name}`) });
  const sparse = fitted.sparseClasses.map((c) => `Class "${inputs.classes[c]}" has fewer rows than folds; some fold models never saw it.`);
  const report = labelIssueReport({
    probabilities: fitted.probabilities,
    labels: inputs.labels,
    classes: inputs.classes,
    rowIds: inputs.rowIds,
    source: { kind: 'cross-fit', description: `${learner.name}, ${folds}-fold stratified cross-fitting (seed ${seed}) on ${inputs.labels.length} labelled rows of ${inputs.source}`, learner: learner.name, folds, seed },
    ...(inputs.features.length ? { raw: inputs.raw, features: inputs.features } : {}),
    options,
  });
  return sparse.length ? { ...report, warnings: [...report.warnings, ...sparse] } : report;
}

/** The model's own inputs as baseline features: the encoded columns (tabular) or the flattened tensor (images). */
function baselineFromModelInputs(inputs: LoadedInputs): BaselineInputs {
  const table = inputs.all;
  const codes = labelsOf(table, inputs.schema);
  const rows = Int32Array.from(Array.from(codes.keys()).filter((i) => codes[i]! >= 0));
  const classes = [...inputs.model.classes];
  const source = inputs.describe?.data ?? 'the data';
  if (inputs.encoder) {
    const raw = rawMatrixFromTable(table, inputs.encoder.features);
    const encoded = inputs.encoder.encode(raw);
    const d = inputs.encoder.outputWidth;
    const f = raw.nFeatures;
    return {
      x: gather(encoded, d, rows),
      d,
      labels: Int32Array.from(rows, (i) => codes[i]!),
      classes,
      rowIds: Int32Array.from(rows, (i) => table.rowIds[i]!),
      raw: { data: gather(raw.data, f, rows), nRows: rows.length, nFeatures: f },
      features: inputs.encoder.features.map((e) => ({ name: e.name, type: e.type, ...(e.categories ? { categories: e.categories } : {}) })),
      source,
    };
  }
  if (!inputs.x) throw new GlassboxError('invalid_input', `${source}: no features for a baseline (a text model scores raw strings).`, { argument: '--cross-fit', hint: 'Drop --cross-fit to use the model on its test split.' });
  const d = rowSize(inputs.x.shape);
  return { x: gather(inputs.x.data, d, rows), d, labels: Int32Array.from(rows, (i) => codes[i]!), classes, rowIds: Int32Array.from(rows, (i) => table.rowIds[i]!), raw: { data: new Float64Array(0), nRows: rows.length, nFeatures: 0 }, features: [], source };
}

async function fromModel(inputs: LoadedInputs, flags: LabelIssuesFlags, options: Options): Promise<LabelIssueReport> {
  const { model, table, schema } = inputs;
  const name = flags.model ?? `demo ${flags.demo}`;
  if (model.task === 'regression') throw new GlassboxError('unsupported_model', `${name} is a regression model; label issues need class probabilities.`, { argument: '--model' });
  let outputs: Float32Array;
  const raw = inputs.encoder ? rawMatrixFromTable(table, inputs.encoder.features) : undefined;
  if (inputs.encoder && raw) outputs = await pipeline(model, inputs.encoder).predictRaw(raw);
  else if (inputs.x) outputs = await model.predict(inputs.x);
  else throw new GlassboxError('invalid_argument', 'No model input for these rows.', { argument: '--data' });
  const codes = labelsOf(table, schema);
  const rows = Int32Array.from(Array.from(codes.keys()).filter((i) => codes[i]! >= 0));
  if (rows.length === 0) throw new GlassboxError('invalid_input', `${inputs.describe?.data ?? flags.data}: no row has a label.`, { argument: '--target' });
  const k = model.outputWidth;
  const probabilities = Float64Array.from(gather(outputs, k, rows));
  const split = schema.split ? `the test split (${rows.length} rows)` : `all ${rows.length} labelled rows — make sure the model did not train on them`;
  const features = inputs.encoder?.features.map((e) => ({ name: e.name, type: e.type, ...(e.categories ? { categories: e.categories } : {}) }));
  return labelIssueReport({
    probabilities,
    labels: Int32Array.from(rows, (i) => codes[i]!),
    classes: [...model.classes],
    rowIds: Int32Array.from(rows, (i) => table.rowIds[i]!),
    source: { kind: 'model', description: `${inputs.describe?.model ?? name} on ${split}` },
    ...(raw && features ? { raw: { data: gather(raw.data, raw.nFeatures, rows), nRows: rows.length, nFeatures: raw.nFeatures }, features } : {}),
    options,
  });
}

/** Demos that planted label flips: how many the report recovered among the audited rows. */
function planted(inputs: LoadedInputs, report: LabelIssueReport): ReturnType<typeof plantedRecovery> | undefined {
  const truth = inputs.groundTruth as { flippedRowIds?: readonly number[] } | undefined;
  if (!truth?.flippedRowIds) return undefined;
  const audited = report.probabilities.kind === 'cross-fit' ? inputs.all.rowIds : inputs.table.rowIds;
  return plantedRecovery(report, audited, truth.flippedRowIds);
}

function gather<T extends Float32Array | Float64Array>(values: T, width: number, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length * width);
  rows.forEach((i, t) => {
    for (let c = 0; c < width; c++) out[t * width + c] = values[i * width + c]!;
  });
  return out;
}
