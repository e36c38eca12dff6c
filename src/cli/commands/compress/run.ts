import { join } from 'node:path';
import { GlassboxError } from '../../../errors.js';
import { readNpy } from '../../../data/npy.js';
import { compressModel } from '../../../compress/compress-model.js';
import type { CompressionSpec, CompressionSummary } from '../../../compress/compress-model.js';
import { findPies } from '../../../compress/pies.js';
import type { PieGrouping, PieResult, TopLine } from '../../../compress/pies.js';
import { populationPredictions } from '../../../compress/population.js';
import type { Model } from '../../../model/model.js';
import type { Tensor } from '../../../model/tensor.js';
import { corruptImages } from '../../../robust/corruptions/corrupt.js';
import { CORRUPTION_NAMES, type CorruptionName } from '../../../robust/corruptions/types.js';
import { folderLabels, labelsFile, loadGradientData } from '../../image-inputs.js';
import { parseChoice, parseIntegerFlag, parseList, parseNumberFlag, parseRowRange, positiveFlag } from '../../options.js';
import { createProgress, type ProgressReporter } from '../../progress.js';
import { compressOutput } from './output.js';
import { modelFileOf } from '../../model-path.js';

export interface CompressFlags {
  demo?: string;
  models?: string[];
  compressed?: string[];
  data?: string;
  labels?: string;
  groups?: string;
  method?: string;
  sparsity?: string;
  scope?: string;
  structured?: boolean;
  bits?: string;
  granularity?: string;
  population?: string;
  fineTuneEpochs?: string;
  corruptions?: string;
  cache?: string;
  out?: string;
  rows?: string;
  seed?: string;
  quiet?: boolean;
  format?: string;
}

/** Severity of the corruptions on which base and compressed populations are compared. */
export const CORRUPTION_SEVERITY = 3;

export interface PopulationsForPies {
  readonly base: readonly Model[];
  readonly compressed: readonly Model[];
  readonly summaries: readonly CompressionSummary[];
  readonly x: Tensor;
  readonly labels: Int32Array;
  readonly rowIds: Int32Array;
  readonly classes: readonly string[];
  readonly groups: readonly PieGrouping[];
  readonly source: string;
  /** Whether the compressed models were fine-tuned after pruning. */
  readonly fineTuned: boolean;
  /** The compressed population was given (--compressed): how it was compressed is not known here. */
  readonly givenCompressed: boolean;
  readonly reused?: number;
  readonly dispose: () => Promise<void>;
}

export interface CorruptionComparison {
  readonly corruption: CorruptionName;
  readonly severity: number;
  readonly topLine: TopLine;
}

/** `glassbox compress`: compressed populations and their PIEs. */
export async function runCompress(flags: CompressFlags, signal?: AbortSignal): Promise<void> {
  const format = parseChoice('--format', flags.format, ['json', 'table', 'html'] as const, 'json');
  const spec = compressionSpec(flags);
  const seed = parseIntegerFlag('--seed', flags.seed, 0);
  const corruptions = parseCorruptionList(flags.corruptions);
  const progress = createProgress({ quiet: flags.quiet ?? false });
  const populations = flags.demo !== undefined ? await demoPopulations(flags, spec, seed, progress, signal) : await filePopulations(flags, spec, progress);
  try {
    progress.update(0, 1, 'predicting');
    const base = await populationPredictions(populations.base, populations.x, signal);
    const compressed = await populationPredictions(populations.compressed, populations.x, signal);
    const result = findPies({ base, compressed, labels: populations.labels, classes: populations.classes, groups: populations.groups });
    const robustness = isImage(populations.x) ? await corruptionComparison(populations, corruptions, seed, progress, signal) : [];
    progress.stop();
    if (flags.out) await saveCompressed(populations, flags.out);
    await compressOutput({ result, robustness, populations, spec, seed, format });
  } finally {
    await populations.dispose();
  }
}

export function compressionSpec(flags: Pick<CompressFlags, 'method' | 'sparsity' | 'scope' | 'structured' | 'bits' | 'granularity'>): CompressionSpec {
  const method = parseChoice('--method', flags.method, ['prune', 'quantize'] as const, 'prune');
  if (method === 'quantize') {
    return { method, bits: parseIntegerFlag('--bits', flags.bits, 8, 2), granularity: parseChoice('--granularity', flags.granularity, ['per-tensor', 'per-channel'] as const, 'per-tensor') };
  }
  const sparsity = parseNumberFlag('--sparsity', flags.sparsity, 0.9, 0);
  if (!(sparsity < 1)) throw new GlassboxError('invalid_argument', `--sparsity ${flags.sparsity} must be in [0, 1).`, { argument: '--sparsity', hint: 'e.g. --sparsity 0.9 prunes 90% of the weights.' });
  if (flags.structured) return { method: 'prune-channels', sparsity };
  return { method: 'prune', sparsity, scope: parseChoice('--scope', flags.scope, ['global', 'layer'] as const, 'global') };
}

function parseCorruptionList(value: string | undefined): CorruptionName[] {
  if (value === 'none') return [];
  const names = parseList(value ?? 'gaussian_noise,motion_blur,contrast');
  for (const name of names) {
    if (!(CORRUPTION_NAMES as readonly string[]).includes(name)) throw new GlassboxError('invalid_argument', `--corruptions: "${name}" is not a corruption.`, { argument: '--corruptions', hint: `Use 'none' or names from: ${CORRUPTION_NAMES.join(', ')}.` });
  }
  return names as CorruptionName[];
}

function isImage(x: Tensor): boolean {
  return x.shape.length === 4 || x.shape.length === 3;
}

/** `--demo digits`: the populations are trained (or read from --cache); evaluation on the test split. */
async function demoPopulations(flags: CompressFlags, spec: CompressionSpec, seed: number, progress: ProgressReporter, signal?: AbortSignal): Promise<PopulationsForPies> {
  if (flags.demo !== 'digits') throw new GlassboxError('invalid_argument', `--demo ${flags.demo}: compression populations are trained for the digits demo only.`, { argument: '--demo', hint: 'Use --demo digits, or pass your own populations with --models … --compressed ….' });
  if (flags.models || flags.data) throw new GlassboxError('invalid_argument', '--demo cannot be combined with --models or --data.', { argument: '--demo' });
  const size = positiveFlag('--population', flags.population, 5);
  const fineTuneEpochs = parseIntegerFlag('--fine-tune-epochs', flags.fineTuneEpochs, 1, 0);
  const { digitsPopulations, gather, testRows } = await import('./digits-population.js');
  const pops = await digitsPopulations({ size, seed, spec, fineTuneEpochs, ...(flags.cache ? { cache: flags.cache } : {}), progress, ...(signal ? { signal } : {}) });
  const all = testRows(pops.data);
  const [start, end] = parseRowRange(flags.rows, all.length);
  const rows = all.slice(start, end);
  const ink = (pops.data.table.columns.find((c) => c.name === 'ink') as { values: Float64Array }).values;
  return {
    base: pops.base,
    compressed: pops.compressed,
    summaries: pops.summaries,
    x: gather(pops.data, rows),
    labels: Int32Array.from(rows, (r) => pops.data.labels[r]!),
    rowIds: Int32Array.from(rows, (r) => pops.data.table.rowIds[r]!),
    classes: pops.base[0]!.classes,
    groups: [inkTerciles(Float64Array.from(rows, (r) => ink[r]!))],
    source: `digits demo, ${size} + ${size} CNNs (seeds ${seed}–${seed + size - 1})`,
    fineTuned: spec.method !== 'quantize' && fineTuneEpochs > 0,
    givenCompressed: false,
    reused: pops.reused,
    dispose: async () => {
      for (const m of [...pops.base, ...pops.compressed]) await m.dispose();
    },
  };
}

/** The demo's `ink` (mean intensity) cut at its tertiles: thin, medium and heavy strokes. */
function inkTerciles(values: Float64Array): PieGrouping {
  const sorted = Float64Array.from(values).sort();
  const cut1 = sorted[Math.floor(sorted.length / 3)]!;
  const cut2 = sorted[Math.floor((2 * sorted.length) / 3)]!;
  return { name: 'ink', categories: [`light (< ${cut1.toFixed(3)})`, 'medium', `heavy (≥ ${cut2.toFixed(3)})`], codes: Int32Array.from(values, (v) => (v < cut1 ? 0 : v < cut2 ? 1 : 2)) };
}

/** `--models … [--compressed …] --data D --labels y`: a user's populations, or each base compressed now. */
async function filePopulations(flags: CompressFlags, spec: CompressionSpec, progress: ProgressReporter): Promise<PopulationsForPies> {
  if (!flags.models || flags.models.length === 0 || !flags.data) throw new GlassboxError('invalid_argument', 'compress needs --models and --data (or --demo digits).', { argument: flags.models ? '--data' : '--models', hint: 'e.g. glassbox compress --models base/*.onnx --compressed pruned/*.onnx --data x.npy --labels y.npy' });
  const models: Model[] = [];
  const compressedModels: Model[] = [];
  const summaries: CompressionSummary[] = [];
  const dispose = async (): Promise<void> => {
    for (const m of [...models, ...compressedModels]) await m.dispose?.();
  };
  try {
    if (flags.compressed) {
      const { loadModel } = await import('../../../model/load-model.js');
      for (const path of flags.models) models.push(await loadModel(modelFileOf(path)));
      for (const path of flags.compressed) compressedModels.push(await loadModel(modelFileOf(path)));
    } else {
      const { loadTrainableModel } = await import('../../../train/load.js');
      for (const [k, path] of flags.models.entries()) {
        progress.update(k, flags.models.length, `compressing ${path}`);
        const model = await loadTrainableModel(path);
        models.push(model);
        const c = await compressModel(model, spec);
        compressedModels.push(c.model);
        summaries.push(c.summary);
      }
    }
    const first = models[0]!;
    for (const [k, m] of [...models, ...compressedModels].entries()) {
      if (m.outputWidth !== first.outputWidth) throw new GlassboxError('shape_mismatch', `Model ${k + 1} has ${m.outputWidth} outputs, model 1 has ${first.outputWidth}.`, { argument: '--models', hint: 'Both populations must classify into the same classes.' });
    }
    const data = await loadGradientData(flags.data, first);
    const total = data.x.shape[0] ?? 0;
    const labels = flags.labels ? labelsFile(flags.labels, total) : data.labels && data.classes ? folderLabels(data.labels, data.classes, first) : undefined;
    if (!labels) throw new GlassboxError('invalid_argument', `${flags.data}: PIE accuracies need the true label of every row.`, { argument: '--labels', hint: 'Pass --labels y.npy or an image folder with one subfolder per class.' });
    const [start, end] = parseRowRange(flags.rows, total);
    const size = data.x.data.length / Math.max(1, total);
    const groups = flags.groups ? [groupsFile(flags.groups, total, start, end)] : [];
    return {
      base: models,
      compressed: compressedModels,
      summaries,
      x: { data: data.x.data.subarray(start * size, end * size), shape: [end - start, ...data.x.shape.slice(1)] },
      labels: labels.subarray(start, end),
      rowIds: Int32Array.from({ length: end - start }, (_, i) => start + i),
      classes: first.classes,
      groups,
      source: `${models.length} base and ${compressedModels.length} compressed models${flags.compressed ? '' : ' (each base compressed post-training, not fine-tuned)'}`,
      fineTuned: false,
      givenCompressed: Boolean(flags.compressed),
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

function groupsFile(path: string, total: number, start: number, end: number): PieGrouping {
  const arr = readNpy(path);
  const values = Array.from(arr.data instanceof BigInt64Array ? Array.from(arr.data, Number) : Array.from(arr.data as ArrayLike<number>));
  if (values.length !== total) throw new GlassboxError('shape_mismatch', `--groups ${path} has ${values.length} values for ${total} rows of --data.`, { file: path, argument: '--groups', hint: 'Give one group code per row of --data.' });
  const selected = values.slice(start, end);
  const categories = [...new Set(selected)].sort((a, b) => a - b);
  return { name: 'groups', categories: categories.map(String), codes: Int32Array.from(selected, (v) => categories.indexOf(v)) };
}

/** Mean accuracy of both populations on corrupted copies of the inputs (the robustness issue's corruptions). */
async function corruptionComparison(p: PopulationsForPies, corruptions: readonly CorruptionName[], seed: number, progress: ProgressReporter, signal?: AbortSignal): Promise<CorruptionComparison[]> {
  const out: CorruptionComparison[] = [];
  for (const [k, corruption] of corruptions.entries()) {
    progress.update(k, corruptions.length, `corruption ${corruption}`);
    const x = await corruptImages(p.x, corruption, CORRUPTION_SEVERITY, { seed, ...(signal ? { signal } : {}) });
    const base = await populationPredictions(p.base, x, signal);
    const compressed = await populationPredictions(p.compressed, x, signal);
    out.push({ corruption, severity: CORRUPTION_SEVERITY, topLine: findPies({ base, compressed, labels: p.labels, classes: p.classes }).topLine });
  }
  return out;
}

async function saveCompressed(p: PopulationsForPies, dir: string): Promise<void> {
  for (const [k, model] of p.compressed.entries()) {
    const m = model as Model & { save?: (path: string) => Promise<void>; trainableParameters?: unknown };
    if (typeof m.save !== 'function') continue;
    await m.save(join(dir, m.trainableParameters !== undefined ? `compressed-${k + 1}.onnx` : `compressed-${k + 1}`));
  }
}

export type { PieResult };
