import { readFile } from 'node:fs/promises';
import { GlassboxError } from '../../../errors.js';
import { readNpy } from '../../../data/npy.js';
import { labelsOf } from '../../../data/schema-helpers.js';
import type { Differentiable } from '../../../model/capabilities.js';
import type { Model } from '../../../model/model.js';
import { gatherRows, sliceRows, type Tensor } from '../../../model/tensor.js';
import { collectActivations } from '../../../represent/activations.js';
import type { RepresentationMatrix } from '../../../represent/cka/matrix.js';
import { project, type Projection } from '../../../represent/projection/project.js';
import { projectionScatterSpec } from '../../../represent/projection/scatter-spec.js';
import type { ReportBlock } from '../../../results/blocks.js';
import { loadGradientData, labelsFile } from '../../image-inputs.js';
import { defaultLayers } from '../../model-layers.js';
import { parseChoice, parseIntegerFlag, parseNumberFlag, parseRowRange, positiveFlag } from '../../options.js';
import { createProgress } from '../../progress.js';
import { renderBlocks } from '../../render.js';
import { loadDifferentiable } from '../explain/inputs/differentiable.js';

export interface ProjectFlags {
  x?: string;
  model?: string;
  data?: string;
  layer?: string;
  demo?: string;
  labels?: string;
  method?: string;
  components?: string;
  perplexity?: string;
  neighbors?: string;
  color?: string;
  rows?: string;
  seed?: string;
  quiet?: boolean;
  format?: string;
}

/** What is projected, and what is known about its rows. */
interface Subject {
  readonly matrix: RepresentationMatrix;
  readonly rowIds: Int32Array;
  /** Which rows of the input (file, or the demo's test images) were projected, and how many it has. */
  readonly positions: Int32Array;
  readonly totalRows: number;
  readonly source: string;
  readonly layer?: string;
  readonly labels?: Int32Array;
  readonly predictions?: Int32Array;
  readonly classes?: readonly string[];
}

/** `glassbox project`: PCA / t-SNE / UMAP coordinates of inputs or activations, with trustworthiness. */
export async function runProject(flags: ProjectFlags): Promise<void> {
  const format = parseChoice('--format', flags.format, ['json', 'html'] as const, 'json');
  const method = parseChoice('--method', flags.method, ['pca', 'tsne', 'umap'] as const, 'pca');
  const components = positiveFlag('--components', flags.components, 2, 1);
  if (method === 'tsne' && components !== 2) throw new GlassboxError('invalid_argument', `--method tsne embeds in 2 dimensions; got --components ${components}.`, { argument: '--components' });
  const perplexity = parseNumberFlag('--perplexity', flags.perplexity, 30, Number.MIN_VALUE);
  const neighbors = positiveFlag('--neighbors', flags.neighbors, 15, 2);
  const seed = parseIntegerFlag('--seed', flags.seed, 0);
  const sources = [flags.x ? '--x' : '', flags.model || flags.data ? '--model/--data' : '', flags.demo ? '--demo' : ''].filter(Boolean);
  if (sources.length !== 1) throw new GlassboxError('invalid_argument', sources.length === 0 ? 'Nothing to project: pass --x acts.npy, --model M --data D, or --demo digits.' : `Use one of ${sources.join(', ')}, not several.`, { argument: '--x', hint: 'e.g. glassbox project --demo digits --method tsne --format html' });
  const color = flags.color;
  if (color && !['label', 'prediction', 'error'].includes(color) && !color.endsWith('.npy')) throw new GlassboxError('invalid_argument', `--color takes label, prediction, error or a .npy file; got "${color}".`, { argument: '--color' });
  if (flags.x && (color === 'prediction' || color === 'error')) throw new GlassboxError('invalid_argument', `--color ${color} needs the model's predictions: use --model/--data or --demo instead of --x.`, { argument: '--color', hint: 'Or pass --color with a .npy of categories.' });
  const progress = createProgress({ quiet: flags.quiet ?? false });
  const subject = flags.x ? await matrixSubject(flags) : flags.demo ? await demoSubject(flags, seed, progress) : await modelSubject(flags, progress);
  const groups = colorGroups(subject, color, flags);
  const { rows: n } = subject.matrix;
  if (method === 'tsne' && !(perplexity < n)) throw new GlassboxError('invalid_argument', `--perplexity ${perplexity} must be below the number of rows (${n}).`, { argument: '--perplexity' });
  if (method === 'umap' && !(neighbors < n)) throw new GlassboxError('invalid_argument', `--neighbors ${neighbors} must be below the number of rows (${n}).`, { argument: '--neighbors' });
  const result = await project(subject.matrix, { method, components, perplexity, neighbors, seed, onProgress: (d, t, stage) => progress.update(d, t, `${method}: ${stage}`) });
  progress.stop();
  const json = {
    method,
    source: subject.source,
    ...(subject.layer ? { layer: subject.layer } : {}),
    n,
    features: subject.matrix.cols,
    components,
    coordinates: rowsOf(result.coordinates, components),
    trustworthiness: result.trustworthiness,
    trustworthinessK: result.trustworthinessK,
    trustworthinessRows: result.trustworthinessRows,
    ...result.details,
    seed,
    rowIds: Array.from(subject.rowIds),
    ...(subject.labels ? { labels: Array.from(subject.labels) } : {}),
    ...(subject.predictions ? { predictions: Array.from(subject.predictions) } : {}),
    ...(groups ? { color: { by: groups.by, values: groups.values } } : {}),
  };
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(json)}\n`);
    return;
  }
  process.stdout.write(await renderBlocks('html', 'glassbox project', htmlBlocks(result, subject, groups)));
}

const METHOD_NAMES = { pca: 'PCA', tsne: 't-SNE (Barnes–Hut)', umap: 'UMAP' } as const;

function htmlBlocks(result: Projection, subject: Subject, groups: { by: string; values: string[] } | undefined): ReportBlock[] {
  const what = subject.layer ? `layer **${subject.layer}** of ${subject.source}` : subject.source;
  const settings = Object.entries(result.details).map(([k, v]) => `${k} ${Array.isArray(v) ? v.map((x: number) => x.toFixed(3)).join('/') : typeof v === 'number' ? Math.round(v * 1000) / 1000 : String(v)}`).join(', ');
  const caption = `${METHOD_NAMES[result.method]} of ${subject.matrix.rows} rows × ${subject.matrix.cols} features; trustworthiness ${result.trustworthiness.toFixed(3)} (k = ${result.trustworthinessK}${result.trustworthinessRows < subject.matrix.rows ? `, on a sample of ${result.trustworthinessRows} rows` : ''})${groups ? `; colour: ${groups.by}` : ''}`;
  const blocks: ReportBlock[] = [
    { kind: 'text', markdown: `${METHOD_NAMES[result.method]} map of ${what} (${settings}; seed ${result.seed}). Trustworthiness ${result.trustworthiness.toFixed(3)} measures how far the map's nearest neighbours were neighbours before (1 = all were); distances between far-apart groups in a t-SNE or UMAP map carry little meaning.` },
    { kind: 'chart', caption, spec: projectionScatterSpec(result.coordinates, result.components, subject.rowIds, { ...(groups ? { color: groups.values, colorTitle: groups.by } : {}), axisTitle: result.method === 'pca' ? 'PC' : result.method === 'tsne' ? 't-SNE' : 'UMAP' }) },
  ];
  if (groups?.by === 'error') {
    const errors = groups.values.filter((v) => v === 'error').length;
    blocks.push({ kind: 'text', markdown: `${errors} of ${groups.values.length} rows are misclassified.` });
  }
  return blocks;
}

function colorGroups(subject: Subject, color: string | undefined, flags: ProjectFlags): { by: string; values: string[] } | undefined {
  const name = (c: number): string => subject.classes?.[c] ?? String(c);
  const by = color ?? (subject.labels ? 'label' : undefined);
  if (!by) return undefined;
  if (by.endsWith('.npy')) {
    const values = labelsFile(by, subject.totalRows);
    return { by, values: Array.from(subject.positions, (r) => String(values[r])) };
  }
  if (by === 'label') {
    if (!subject.labels) throw new GlassboxError('invalid_argument', '--color label: the data carries no labels.', { argument: '--color', hint: 'Pass --labels y.npy, or --color with a .npy of categories.' });
    return { by: 'label', values: Array.from(subject.labels, name) };
  }
  if (!subject.predictions) throw new GlassboxError('invalid_argument', `--color ${by} needs the model's predictions.`, { argument: '--color' });
  if (by === 'prediction') return { by: 'prediction', values: Array.from(subject.predictions, name) };
  if (!subject.labels) throw new GlassboxError('invalid_argument', '--color error needs true labels.', { argument: flags.labels ? '--labels' : '--color', hint: 'Pass --labels y.npy (one integer per row of --data).' });
  return { by: 'error', values: Array.from(subject.predictions, (p, i) => (p === subject.labels![i] ? 'correct' : 'error')) };
}

async function matrixSubject(flags: ProjectFlags): Promise<Subject> {
  const path = flags.x!;
  if (!path.endsWith('.npy')) throw new GlassboxError('invalid_argument', `--x ${path}: the matrix is read from a .npy file.`, { argument: '--x', file: path, hint: 'Save it with numpy.save, or write activations with glassbox activations.' });
  const array = readNpy(await readFile(path), path);
  if (array.shape.length < 2) throw new GlassboxError('shape_mismatch', `${path} has shape [${array.shape.join(', ')}]; the rows to project form an n × d matrix.`, { file: path, argument: '--x' });
  const total = array.shape[0]!;
  const d = array.data.length / total;
  const [start, end] = parseRowRange(flags.rows, total);
  const all = array.data instanceof Float64Array ? array.data : Float32Array.from(array.data as ArrayLike<number>);
  const labels = flags.labels ? labelsFile(flags.labels, total).subarray(start, end) : undefined;
  return { matrix: { data: all.subarray(start * d, end * d), rows: end - start, cols: d }, rowIds: Int32Array.from({ length: end - start }, (_, i) => start + i), positions: Int32Array.from({ length: end - start }, (_, i) => start + i), totalRows: total, source: path, ...(labels ? { labels } : {}) };
}

async function modelSubject(flags: ProjectFlags, progress: ReturnType<typeof createProgress>): Promise<Subject> {
  if (!flags.model || !flags.data) throw new GlassboxError('invalid_argument', `Missing ${flags.model ? '--data' : '--model'}: projecting a layer needs both --model and --data.`, { argument: flags.model ? '--data' : '--model' });
  const loaded = await loadDifferentiable(flags.model, {});
  try {
    const model = loaded.model as unknown as Model & Differentiable;
    const data = await loadGradientData(flags.data, model);
    const total = data.x.shape[0] ?? 0;
    const [start, end] = parseRowRange(flags.rows, total);
    const x = sliceRows(data.x, start, end);
    const labels = flags.labels ? labelsFile(flags.labels, total).subarray(start, end) : data.labels?.subarray(start, end);
    const layer = flags.layer ?? await penultimateLayer(flags.model, model, x);
    return { ...(await layerSubject(model, x, layer, progress)), rowIds: Int32Array.from({ length: end - start }, (_, i) => start + i), positions: Int32Array.from({ length: end - start }, (_, i) => start + i), totalRows: total, source: flags.model, ...(labels ? { labels } : {}), ...(model.classes ? { classes: model.classes } : {}) };
  } finally {
    await loaded.dispose();
  }
}

async function demoSubject(flags: ProjectFlags, seed: number, progress: ReturnType<typeof createProgress>): Promise<Subject> {
  if (flags.demo !== 'digits') throw new GlassboxError('invalid_argument', `glassbox project --demo takes digits; got "${flags.demo ?? ''}".`, { argument: '--demo' });
  const { loadInputs } = await import('../../load-inputs.js');
  const { selectDemoRows } = await import('../../options.js');
  const inputs = await loadInputs({ demo: 'digits' }, { seed, requireLabels: false });
  const picked = selectDemoRows(inputs.x!.shape[0]!, flags.rows);
  const x = gatherRows(inputs.x!, picked);
  const model = inputs.model as unknown as Model & Differentiable;
  const allLabels = labelsOf(inputs.table, inputs.schema);
  const labels = Int32Array.from(picked, (r) => allLabels[r]!);
  const layer = flags.layer ?? await penultimateLayer('demo:digits', model, x);
  const rowIds = Int32Array.from(picked, (r) => inputs.table.rowIds[r]!);
  return { ...(await layerSubject(model, x, layer, progress)), rowIds, positions: picked, totalRows: inputs.x!.shape[0]!, source: 'demo:digits (test images)', labels, ...(model.classes ? { classes: model.classes } : {}) };
}

async function layerSubject(model: Model & Differentiable, x: Tensor, layer: string, progress: ReturnType<typeof createProgress>): Promise<{ matrix: RepresentationMatrix; layer: string; predictions: Int32Array }> {
  if (!model.layerNames.includes(layer)) throw new GlassboxError('invalid_argument', `--layer ${layer}: the model has no such tensor.`, { argument: '--layer', hint: `Choose one of: ${model.layerNames.join(', ')}.` });
  const acts = await collectActivations(model, x, [layer], { onProgress: (d, t) => progress.update(d, t, `activations of ${layer}`) });
  const probs = await model.predict(x);
  const n = x.shape[0]!;
  const w = model.outputWidth;
  const predictions = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < w; c++) if (probs[i * w + c]! > probs[i * w + best]!) best = c;
    predictions[i] = best;
  }
  return { matrix: acts[layer]!, layer, predictions };
}

/** The last layer (of the default representation layers) whose width differs from the output's: the features the head reads. */
async function penultimateLayer(location: string, model: Model & Differentiable, x: Tensor): Promise<string> {
  const layers = location.startsWith('demo:') ? [...model.layerNames] : await defaultLayers(location, model);
  const probe = sliceRows(x, 0, 1);
  for (let i = layers.length - 1; i >= 0; i--) {
    const acts = await collectActivations(model, probe, [layers[i]!]);
    if (acts[layers[i]!]!.cols !== model.outputWidth) return layers[i]!;
  }
  throw new GlassboxError('invalid_argument', 'No layer other than the output found to project.', { argument: '--layer', hint: `Name one with --layer: ${model.layerNames.join(', ')}.` });
}

function rowsOf(a: Float64Array, k: number): number[][] {
  return Array.from({ length: a.length / k }, (_, i) => Array.from(a.subarray(i * k, (i + 1) * k), (v) => Math.round(v * 1e6) / 1e6));
}
