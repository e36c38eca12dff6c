import { CHALLENGER_KINDS, compareChallengers, type ChallengerComparison, type ChallengerInputs, type ChallengerKind } from '../../../challenger/compare.js';
import { challengerBlocks } from '../../../challenger/blocks.js';
import { labelsOf } from '../../../data/schema-helpers.js';
import type { Schema } from '../../../data/schema.js';
import { takeRows, type Table } from '../../../data/table.js';
import { rawMatrixFromTable } from '../../../encode/raw-matrix.js';
import { GlassboxError } from '../../../errors.js';
import { writeFileAtomic } from '../../../io/atomic-write.js';
import type { LearnerFeature } from '../../../model/interpretable/binning.js';
import { stratifiedHoldout } from '../../../model/interpretable/holdout.js';
import { pipeline } from '../../../model/pipeline.js';
import type { ReportBlock } from '../../../results/blocks.js';
import { toRng } from '../../../rng.js';
import { discoverSlices } from '../../../slice/discover.js';
import { learnerRows, loadTrainingData } from '../../baseline-model.js';
import { withInterrupt } from '../../interrupt.js';
import { loadInputs, type InputFlags } from '../../load-inputs.js';
import { parseChoice, parseIntegerFlag, parseList } from '../../options.js';
import { createProgress } from '../../progress.js';
import { renderBlocks } from '../../render.js';

export interface ChallengerFlags extends InputFlags {
  kinds?: string;
  interactions?: string;
  bags?: string;
  treeDepth?: string;
  iterations?: string;
  saveGam?: string;
  seed?: string;
  quiet?: boolean;
  format?: string;
}

/** What the comparison runs on: features, the training and audited tables, and the model's P(positive) on the audited rows. */
interface Prepared {
  readonly schema: Schema;
  readonly features: LearnerFeature[];
  readonly classes: readonly string[];
  readonly train: Table;
  readonly audited: Table;
  readonly blackBox?: { name: string; scores: Float64Array };
  /** How the rows were split, for the report. */
  readonly splitNote: string;
}

/** Without a split in the schema: a seeded, stratified 70/30 split of the labelled rows. */
function holdoutSplit(table: Table, schema: Schema, seed: number): { train: Table; test: Table } {
  const labels = labelsOf(table, schema);
  const { fit, holdout } = stratifiedHoldout(Float64Array.from(labels, (v) => (v > 0 ? 1 : 0)), 'binary', 0.3, toRng(seed));
  return { train: takeRows(table, fit), test: takeRows(table, holdout) };
}

async function prepare(flags: ChallengerFlags, seed: number): Promise<Prepared> {
  if (!flags.model && !flags.demo) {
    const data = await loadTrainingData(flags, 'challenger');
    const split = data.split ?? holdoutSplit(data.all, data.schema, seed);
    const splitNote = data.split ? 'the schema\'s train/test split' : `a seeded (${seed}) stratified 70/30 split of the rows (the data has no split column)`;
    return { schema: data.schema, features: data.features, classes: data.classes, train: split.train, audited: split.test, splitNote };
  }
  const inputs = await loadInputs(flags, { seed });
  try {
    if (!inputs.encoder) throw new GlassboxError('invalid_argument', 'glassbox challenger trains models on tabular columns; this is image or text data.', { argument: '--data' });
    if (inputs.model.task !== 'binary') throw new GlassboxError('invalid_argument', `The model is a ${inputs.model.task} model; glassbox challenger compares binary classifiers.`, { argument: '--model' });
    const features: LearnerFeature[] = inputs.encoder.features.map((f) => (f.type === 'categorical' ? { name: f.name, type: 'categorical', categories: [...(f.categories ?? [])] } : { name: f.name, type: 'numeric' }));
    const { train, test } = inputs.train ? { train: inputs.train, test: inputs.table } : holdoutSplit(inputs.all, inputs.schema, seed);
    const out = await pipeline(inputs.model, inputs.encoder).predictRaw(rawMatrixFromTable(test, inputs.encoder.features));
    const w = inputs.model.outputWidth;
    const labels = labelsOf(test, inputs.schema);
    const keep = Int32Array.from(Array.from(labels.keys()).filter((i) => labels[i]! >= 0));
    const scores = Float64Array.from(keep, (i) => out[i * w + w - 1]!);
    const name = flags.demo ? `demo ${flags.demo}` : flags.model!;
    const splitNote = inputs.train ? 'the schema\'s train/test split' : `a seeded (${seed}) stratified 70/30 split of the rows (the data has no split column)`;
    return { schema: inputs.schema, features, classes: inputs.model.classes, train, audited: takeRows(test, keep), blackBox: { name, scores }, splitNote };
  } finally {
    await inputs.model.dispose?.();
  }
}

function comparisonInputs(p: Prepared): ChallengerInputs {
  const train = learnerRows(p.train, p.schema, p.features);
  const audited = learnerRows(p.audited, p.schema, p.features);
  return {
    features: p.features,
    classes: p.classes,
    train: { raw: train.raw, labels: train.labels },
    audited: { raw: audited.raw, labels: audited.labels, rowIds: Int32Array.from(audited.rows, (i) => p.audited.rowIds[i]!) },
    ...(p.blackBox ? { blackBox: { name: p.blackBox.name, scores: Float64Array.from(audited.rows, (i) => p.blackBox!.scores[i]!) } } : {}),
  };
}

/** Slices of the audited rows where the model and the best challenger disagree more than elsewhere (FDR-controlled slice search). */
function disagreementSlices(p: Prepared, comparison: ChallengerComparison, rows: Int32Array, seed: number): { description: string; n: number; rate: number; rest: number; low: number; high: number; qValue: number; method: string }[] {
  if (!comparison.disagree || comparison.disagreement!.rows === 0) return [];
  const table = takeRows(p.audited, rows);
  const discovery = discoverSlices(table, p.features.map((f) => f.name), Float64Array.from(comparison.disagree), {
    outcomes: { label: p.schema.target?.name, split: p.schema.split?.column },
    maxOrder: 2,
    minSupport: 0.02,
    minEffect: 0.05,
    fdr: 0.05,
    seed,
  });
  return discovery.slices.slice(0, 10).map((s) => ({ description: s.description, n: s.n, rate: s.metric, rest: s.restMetric, low: s.interval.low, high: s.interval.high, method: s.interval.method, qValue: s.qValue }));
}

/** `glassbox challenger`: interpretable challengers against the model, with paired bootstrap differences and disagreement slices. */
export async function runChallenger(flags: ChallengerFlags): Promise<void> {
  const format = parseChoice('--format', flags.format, ['json', 'table', 'html'] as const, 'table');
  const seed = parseIntegerFlag('--seed', flags.seed, 0);
  const kinds = parseList(flags.kinds ?? 'gam,linear,tree').map((k) => parseChoice('--kinds', k, CHALLENGER_KINDS, 'gam' as ChallengerKind));
  const interactions = parseIntegerFlag('--interactions', flags.interactions, 10);
  const bags = parseIntegerFlag('--bags', flags.bags, 8, 1);
  const treeDepth = parseIntegerFlag('--tree-depth', flags.treeDepth, 4, 1);
  if (treeDepth > 4) throw new GlassboxError('invalid_argument', `--tree-depth ${treeDepth}: the tree challenger stays readable at depth 1 to 4.`, { argument: '--tree-depth', hint: 'Use the GAM for a more flexible interpretable model.' });
  const iterations = parseIntegerFlag('--iterations', flags.iterations, 1000, 1);
  if (flags.saveGam && !kinds.includes('gam')) throw new GlassboxError('invalid_argument', '--save-gam needs the GAM challenger in --kinds.', { argument: '--save-gam' });
  const progress = createProgress({ quiet: flags.quiet ?? format === 'json' });
  const { prepared, comparison, slices, inputs } = await withInterrupt('challenger', async (signal) => {
    const prepared = await prepare(flags, seed);
    const inputs = comparisonInputs(prepared);
    let step = 0;
    const comparison = compareChallengers(inputs, { kinds, seed, iterations, treeDepth, gam: { interactions, outerBags: bags }, signal, onProgress: (what) => progress.update(++step, 2 * kinds.length, what) });
    const audited = learnerRows(prepared.audited, prepared.schema, prepared.features).rows;
    return { prepared, comparison, inputs, slices: disagreementSlices(prepared, comparison, audited, seed) };
  });
  progress.stop();
  const gam = comparison.challengers.find((c) => c.kind === 'gam')?.gam;
  if (flags.saveGam && gam) await writeFileAtomic(flags.saveGam, `${JSON.stringify(gam)}\n`);
  const disagreeRowIds = comparison.disagree ? Array.from(inputs.audited.rowIds).filter((_, i) => comparison.disagree![i] === 1) : undefined;
  if (format === 'json') {
    const { scores: _scores, disagree: _disagree, blackBox, ...rest } = comparison;
    const json = {
      version: 1,
      ...rest,
      split: prepared.splitNote,
      ...(blackBox ? { blackBox } : {}),
      ...(comparison.disagreement ? { disagreement: { ...comparison.disagreement, rowIds: disagreeRowIds, slices } } : {}),
    };
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return;
  }
  const blocks: ReportBlock[] = [{ kind: 'text', markdown: `Challengers trained on ${comparison.trainRows} rows and compared on ${comparison.rows} audited rows (${prepared.splitNote}).` }, ...challengerBlocks(comparison)];
  if (comparison.disagreement) {
    blocks.push({ kind: 'text', markdown: '**Where the model and the best challenger disagree**' });
    blocks.push(slices.length === 0
      ? { kind: 'text', markdown: `No slice of up to two conditions holds significantly more disagreement than the rest (FDR 0.05); the ${comparison.disagreement.rows} disagreeing rows are spread out.` }
      : { kind: 'table', caption: `Slices where the decisions of the model and the ${comparison.best} challenger differ more often than elsewhere (overall ${(100 * comparison.disagreement.rate).toFixed(1)}%; Wilson intervals, q-values Benjamini–Hochberg)`, columns: ['slice', 'n', 'disagreement', 'CI low', 'CI high', 'rest', 'q'], rows: slices.map((s) => [s.description, s.n, s.rate, s.low, s.high, s.rest, s.qValue]) });
    if (disagreeRowIds && disagreeRowIds.length > 0) blocks.push({ kind: 'text', markdown: `Disagreeing data rows (0-based, first 20): ${disagreeRowIds.slice(0, 20).join(', ')}${disagreeRowIds.length > 20 ? ', …' : ''}.` });
  }
  process.stdout.write(await renderBlocks(format, 'glassbox challenger', blocks));
}
