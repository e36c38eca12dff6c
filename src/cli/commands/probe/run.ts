import { readNpy } from '../../../data/npy.js';
import { GlassboxError } from '../../../errors.js';
import type { Differentiable } from '../../../model/capabilities.js';
import type { Model } from '../../../model/model.js';
import type { Tensor } from '../../../model/tensor.js';
import { collectActivations } from '../../../represent/activations.js';
import { linearProbes, type ProbeResult } from '../../../represent/probes/probes.js';
import type { ReportBlock } from '../../../results/blocks.js';
import { folderLabels, labelsFile, loadGradientData } from '../../image-inputs.js';
import { defaultLayers } from '../../model-layers.js';
import { parseChoice, parseIntegerFlag, parseList, parseRowRange, positiveFlag } from '../../options.js';
import { demoTestImages } from '../../demo-test-images.js';
import { createProgress } from '../../progress.js';
import { renderBlocks } from '../../render.js';
import { asGradientModel, loadDifferentiable } from '../explain/inputs/differentiable.js';
import { probeChartSpec } from './chart.js';

export interface ProbeFlags {
  model?: string;
  data?: string;
  labels?: string;
  demo?: string;
  layers?: string;
  target?: string;
  rows?: string;
  folds?: string;
  maxDims?: string;
  seed?: string;
  quiet?: boolean;
  format?: string;
}

/** Name under which the raw input is probed, before the model's layers. */
export const INPUT_LAYER = '(input)';

interface ProbeInputs {
  readonly model: Model & Differentiable;
  readonly location: string;
  readonly x: Tensor;
  readonly labels?: Int32Array;
  /** 0-based rows of the source (the data file, or the demo's table) used, in order. */
  readonly rowIds: Int32Array;
  /** Rows of the source that rowIds index (a --target file may cover all of them). */
  readonly totalRows: number;
  readonly dispose: () => Promise<void>;
}

/** `glassbox probe`: linear probe accuracy per layer. */
export async function runProbe(flags: ProbeFlags, signal?: AbortSignal): Promise<void> {
  const format = parseChoice('--format', flags.format, ['json', 'table', 'html'] as const, 'json');
  const folds = positiveFlag('--folds', flags.folds, 5, 2);
  const maxDims = parseIntegerFlag('--max-dims', flags.maxDims, 256, 0);
  const seed = parseIntegerFlag('--seed', flags.seed, 0);
  const inputs = await loadProbeInputs(flags);
  try {
    const n = inputs.x.shape[0] ?? 0;
    const target = targetValues(flags, inputs, n);
    if (n < folds) throw new GlassboxError('invalid_argument', `--folds ${folds} needs at least ${folds} inputs; got ${n}.`, { argument: '--folds' });
    const layers = flags.layers ? parseList(flags.layers) : await defaultLayers(inputs.location, inputs.model);
    const progress = createProgress({ quiet: flags.quiet ?? false });
    const acts = await collectActivations(inputs.model, inputs.x, layers, { ...(signal ? { signal } : {}), onProgress: (d, t) => progress.update(d, t, 'activations') });
    const input = { data: inputs.x.data, rows: n, cols: inputs.x.data.length / Math.max(1, n) };
    const result = linearProbes({ [INPUT_LAYER]: input, ...acts }, target, { folds, seed, maxDims, ...(signal ? { signal } : {}), onProgress: (d, t) => progress.update(d, t, 'probes (layer × fold)') });
    progress.stop();
    await output(result, flags, format, inputs);
  } finally {
    await inputs.dispose();
  }
}

function targetValues(flags: ProbeFlags, inputs: ProbeInputs, n: number): ArrayLike<number> {
  const target = flags.target ?? 'labels';
  if (target === 'labels') {
    if (!inputs.labels) throw new GlassboxError('invalid_argument', `${flags.data}: the inputs carry no labels to probe for.`, { argument: '--labels', hint: 'Pass --labels y.npy (one class index per row), an image folder with one subfolder per class, or --target attr.npy.' });
    return inputs.labels;
  }
  if (!target.endsWith('.npy')) throw new GlassboxError('invalid_argument', `--target ${target}: pass 'labels' or a .npy file with one value per input row.`, { argument: '--target', hint: 'e.g. --target group.npy' });
  const array = readNpy(target);
  const values = Float64Array.from(array.data instanceof BigInt64Array ? Array.from(array.data, Number) : Array.from(array.data as ArrayLike<number>));
  if (values.length !== inputs.totalRows && values.length !== n) throw new GlassboxError('shape_mismatch', `--target ${target} has ${values.length} values for ${n} inputs${inputs.totalRows !== n ? ` (${inputs.totalRows} rows in all)` : ''}.`, { file: target, argument: '--target', hint: 'Give one value per input row: for every row of the source (--rows then selects), or for the selected rows only.' });
  return values.length === n ? values : Float64Array.from(inputs.rowIds, (r) => values[r]!);
}

async function loadProbeInputs(flags: ProbeFlags): Promise<ProbeInputs> {
  if (flags.demo !== undefined) {
    if (flags.model || flags.data) throw new GlassboxError('invalid_argument', '--demo cannot be combined with --model or --data.', { argument: '--demo', hint: 'Use either --demo digits or --model M --data x.npy --labels y.npy.' });
    return loadDemoInputs(flags.demo, flags.rows);
  }
  if (!flags.model || !flags.data) throw new GlassboxError('invalid_argument', 'probe needs --model and --data (or --demo digits).', { argument: flags.model ? '--data' : '--model', hint: 'e.g. glassbox probe --model cnn.onnx --data x.npy --labels y.npy' });
  const loaded = await loadDifferentiable(flags.model, {});
  try {
    const model = loaded.model as unknown as Model & Differentiable;
    const data = await loadGradientData(flags.data, model);
    const total = data.x.shape[0] ?? 0;
    const labels = flags.labels ? labelsFile(flags.labels, total) : data.labels && data.classes ? folderLabels(data.labels, data.classes, model) : undefined;
    const [start, end] = parseRowRange(flags.rows, total);
    const size = data.x.data.length / Math.max(1, total);
    return {
      model,
      location: flags.model,
      x: { data: data.x.data.subarray(start * size, end * size), shape: [end - start, ...data.x.shape.slice(1)] },
      ...(labels ? { labels: labels.subarray(start, end) } : {}),
      rowIds: Int32Array.from({ length: end - start }, (_, i) => start + i),
      totalRows: total,
      dispose: loaded.dispose,
    };
  } catch (error) {
    await loaded.dispose();
    throw error;
  }
}

/** `--demo digits`: the test split's images and labels, and the demo CNN. */
async function loadDemoInputs(name: string, rows: string | undefined): Promise<ProbeInputs> {
  if (name !== 'digits') throw new GlassboxError('invalid_argument', `--demo ${name}: probes need an image demo with layers (digits).`, { argument: '--demo', hint: 'Use --demo digits.' });
  const { loadDemo } = await import('../../../demos/index.js');
  const demo = await loadDemo('digits', { seed: 0 });
  const { isTest, labels, images } = (demo as unknown as { data: { isTest: Uint8Array; labels: Int32Array; images: Tensor } }).data;
  const testImages = demoTestImages({ isTest, labels, images }, demo.table.rowIds, rows);
  const { model, dispose } = await asGradientModel(demo.model, '--demo digits');
  return {
    model: model as unknown as Model & Differentiable,
    location: 'demo:digits',
    ...testImages,
    totalRows: demo.table.nRows,
    dispose,
  };
}

function jsonResult(result: ProbeResult, inputs: ProbeInputs): Record<string, unknown> {
  return {
    layers: result.layers.map((l) => ({ layer: l.layer, accuracy: l.accuracy, correct: l.correct, n: l.n, interval: l.interval, baseline: l.baseline, dims: l.dims, originalDims: l.originalDims, converged: l.converged })),
    folds: result.folds,
    seed: result.seed,
    n: result.n,
    classes: result.classes,
    maxDims: result.maxDims,
    c: result.c,
    model: inputs.location,
    rowIds: Array.from(inputs.rowIds),
  };
}

async function output(result: ProbeResult, flags: ProbeFlags, format: 'json' | 'table' | 'html', inputs: ProbeInputs): Promise<void> {
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(jsonResult(result, inputs), null, 2)}\n`);
    return;
  }
  const target = (flags.target ?? 'labels') === 'labels' ? 'the label' : flags.target!;
  const best = result.layers.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
  const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
  const blocks: ReportBlock[] = [
    { kind: 'text', markdown: `Linear probes (Alain & Bengio 2016) for ${target} on ${result.n} inputs of ${inputs.location}: ${result.folds}-fold stratified cross-validated accuracy of an L2 logistic regression (C = ${result.c}) per layer; layers wider than ${result.maxDims} are reduced to their top principal components first. The majority-class baseline is ${pct(result.layers[0]!.baseline)}. Most linearly readable at **${best.layer}** (${pct(best.accuracy)}).` },
    {
      kind: 'table',
      caption: 'Probe accuracy per layer (Wilson 95% interval)',
      columns: ['layer', 'accuracy', 'interval', 'baseline', 'dims', 'layer width', 'converged'],
      rows: result.layers.map((l) => [l.layer, round(l.accuracy), `[${round(l.interval.low)}, ${round(l.interval.high)}]`, round(l.baseline), l.dims, l.originalDims, l.converged ? 'yes' : 'no']),
    },
  ];
  if (format === 'html') blocks.push({ kind: 'chart', caption: 'Probe accuracy per layer (dashed: majority baseline)', spec: probeChartSpec(result) });
  process.stdout.write(await renderBlocks(format, 'glassbox probe', blocks));
}

function round(v: number): number {
  return Math.round(v * 10000) / 10000;
}
