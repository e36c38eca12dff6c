import { GlassboxError } from '../../../errors.js';
import type { Model } from '../../../model/model.js';
import type { Tensor } from '../../../model/tensor.js';
import { vogErrorConcentration } from '../../../represent/vog/error-concentration.js';
import type { VogErrorConcentration } from '../../../represent/vog/error-concentration.js';
import { varianceOfGradients } from '../../../represent/vog/vog.js';
import type { VogCheckpoint, VogResult } from '../../../represent/vog/vog.js';
import type { ReportBlock } from '../../../results/blocks.js';
import { folderLabels, labelsFile, loadGradientData } from '../../image-inputs.js';
import { parseChoice, parseIntegerFlag, parseList, parseNumberFlag, parseRowRange, positiveFlag } from '../../options.js';
import { demoTestImages } from '../../demo-test-images.js';
import { createProgress } from '../../progress.js';
import { renderBlocks } from '../../render.js';
import { loadDifferentiable } from '../explain/inputs/differentiable.js';
import { vogGridBlock } from '../../../scan/vog-images.js';
import { modelFileOf } from '../../model-path.js';

export interface VogFlags {
  checkpoints?: string;
  data?: string;
  labels?: string;
  demo?: string;
  rows?: string;
  perPixel?: string;
  channelAxis?: string;
  top?: string;
  perClass?: string;
  batchSize?: string;
  quiet?: boolean;
  format?: string;
}

export interface VogInputs {
  readonly checkpoints: readonly VogCheckpoint[];
  readonly locations: readonly string[];
  readonly classes: readonly string[];
  readonly x: Tensor;
  readonly labels: Int32Array;
  /** 0-based rows of the source (the data file, or the demo's table) used, in order. */
  readonly rowIds: Int32Array;
  readonly dispose: () => Promise<void>;
}

/** `glassbox vog`: Variance of Gradients per example. */
export async function runVog(flags: VogFlags, signal?: AbortSignal): Promise<void> {
  const format = parseChoice('--format', flags.format, ['json', 'table', 'html'] as const, 'json');
  const perPixel = parseChoice('--per-pixel', flags.perPixel, ['std', 'variance'] as const, 'std');
  const top = parseNumberFlag('--top', flags.top, 0.1, 0);
  if (!(top > 0 && top <= 1)) throw new GlassboxError('invalid_argument', `--top ${flags.top}: give a fraction in (0, 1], e.g. 0.1.`, { argument: '--top' });
  const perClass = positiveFlag('--per-class', flags.perClass, 5);
  const batchSize = positiveFlag('--batch-size', flags.batchSize, 256);
  const channelAxis = flags.channelAxis === undefined ? undefined : parseIntegerFlag('--channel-axis', flags.channelAxis, 0);
  const inputs = await loadVogInputs(flags);
  try {
    const progress = createProgress({ quiet: flags.quiet ?? false });
    const result = await varianceOfGradients(inputs.checkpoints, inputs.x, inputs.labels, { perPixel, batchSize, ...(channelAxis !== undefined ? { channelAxis } : {}), ...(signal ? { signal } : {}), onProgress: (d, t) => progress.update(d, t, `gradients at ${inputs.checkpoints.length} checkpoints`) });
    progress.stop();
    const concentration = vogErrorConcentration(result.scores, result.labels, result.predictions, top);
    await output(result, concentration, inputs, format, perClass);
  } finally {
    await inputs.dispose();
  }
}

async function loadVogInputs(flags: VogFlags): Promise<VogInputs> {
  if (flags.demo !== undefined) {
    if (flags.checkpoints || flags.data) throw new GlassboxError('invalid_argument', '--demo cannot be combined with --checkpoints or --data.', { argument: '--demo', hint: 'Use either --demo digits or --checkpoints a.onnx,b.onnx --data x.npy --labels y.npy.' });
    return loadDemoInputs(flags.demo, flags.rows);
  }
  if (!flags.checkpoints || !flags.data) throw new GlassboxError('invalid_argument', 'vog needs --checkpoints and --data (or --demo digits).', { argument: flags.checkpoints ? '--data' : '--checkpoints', hint: 'e.g. glassbox vog --checkpoints epoch1.onnx,epoch2.onnx,epoch3.onnx --data x.npy --labels y.npy' });
  const paths = parseList(flags.checkpoints);
  if (paths.length < 2) throw new GlassboxError('invalid_argument', `--checkpoints lists ${paths.length} model; VoG needs at least 2 snapshots of training.`, { argument: '--checkpoints', hint: 'List K ≥ 2 checkpoints in training order, separated by commas.' });
  const loaded: { model: VogCheckpoint & Model; dispose: () => Promise<void> }[] = [];
  const disposeAll = async (): Promise<void> => {
    for (const l of loaded) await l.dispose();
  };
  try {
    for (const path of paths) {
      const l = await loadDifferentiable(modelFileOf(path), {});
      loaded.push({ model: l.model as unknown as VogCheckpoint & Model, dispose: l.dispose });
    }
    const first = loaded[0]!.model;
    const data = await loadGradientData(flags.data, first);
    const total = data.x.shape[0] ?? 0;
    const labels = flags.labels ? labelsFile(flags.labels, total) : data.labels && data.classes ? folderLabels(data.labels, data.classes, first) : undefined;
    if (!labels) throw new GlassboxError('invalid_argument', `${flags.data}: VoG needs the true label of every row.`, { argument: '--labels', hint: 'Pass --labels y.npy (one class index per row) or an image folder with one subfolder per class.' });
    const [start, end] = parseRowRange(flags.rows, total);
    const size = data.x.data.length / Math.max(1, total);
    return {
      checkpoints: loaded.map((l) => l.model),
      locations: paths,
      classes: first.classes,
      x: { data: data.x.data.subarray(start * size, end * size), shape: [end - start, ...data.x.shape.slice(1)] },
      labels: labels.subarray(start, end),
      rowIds: Int32Array.from({ length: end - start }, (_, i) => start + i),
      dispose: disposeAll,
    };
  } catch (error) {
    await disposeAll();
    throw error;
  }
}

/** `--demo digits`: the test split's images and labels, and the demo CNN at its 5 checkpoints. */
async function loadDemoInputs(name: string, rows: string | undefined): Promise<VogInputs> {
  if (name !== 'digits') throw new GlassboxError('invalid_argument', `--demo ${name}: VoG needs a demo with training checkpoints (digits).`, { argument: '--demo', hint: 'Use --demo digits.' });
  const { loadDigitsCheckpoints } = await import('../../../demos/digits/index.js');
  const { models, locations, demo } = await loadDigitsCheckpoints({ seed: 0 });
  const { isTest, labels, images } = demo.data;
  const testImages = demoTestImages({ isTest, labels, images }, demo.table.rowIds, rows);
  return {
    checkpoints: models,
    locations: locations.map((l) => l.replace(/^.*\/models\//, 'models/')),
    classes: demo.model.classes,
    ...testImages,
    dispose: async () => {
      for (const m of models) await m.dispose();
    },
  };
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

function jsonResult(result: VogResult, concentration: VogErrorConcentration, inputs: VogInputs): Record<string, unknown> {
  return {
    scores: Array.from(result.scores, finite),
    raw: Array.from(result.raw),
    rowIds: Array.from(inputs.rowIds),
    labels: Array.from(result.labels),
    predictions: Array.from(result.predictions),
    checkpoints: inputs.locations,
    perPixel: result.perPixel,
    pixels: result.pixels,
    classStats: result.classStats,
    errorConcentration: concentration,
  };
}

async function output(result: VogResult, concentration: VogErrorConcentration, inputs: VogInputs, format: 'json' | 'table' | 'html', perClass: number): Promise<void> {
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(jsonResult(result, concentration, inputs), null, 2)}\n`);
    return;
  }
  const pct = (v: number | null): string => (v === null ? '—' : `${(100 * v).toFixed(1)}%`);
  const c = concentration;
  const blocks: ReportBlock[] = [
    {
      kind: 'text',
      markdown:
        `Variance of Gradients (Agarwal, D'souza & Hooker 2022) of ${result.labels.length} inputs over ${result.checkpoints} checkpoints: per pixel, the ${result.perPixel === 'std' ? 'standard deviation' : 'variance'} across checkpoints of the gradient of the true class's logit, averaged over ${result.pixels} pixels and z-scored within each class. ` +
        `The ${pct(c.topFraction)} highest-VoG inputs (${c.topN}) have an error rate of **${pct(c.topErrorRate)}** (Wilson 95% [${pct(c.topInterval.low)}, ${pct(c.topInterval.high)}]) against ${pct(c.restErrorRate)} ([${pct(c.restInterval.low)}, ${pct(c.restInterval.high)}]) for the rest` +
        (c.ratio === null ? '.' : `: ${c.ratio.toFixed(2)}×.`) + ' Predictions are those of the last checkpoint.',
    },
    {
      kind: 'table',
      caption: 'Error rate per VoG decile (1 = lowest VoG)',
      columns: ['decile', 'inputs', 'error rate'],
      rows: c.deciles.map((d) => [d.decile, d.n, pct(d.errorRate)]),
    },
  ];
  if (format === 'html') blocks.push(await vogGridBlock(result, inputs, perClass));
  process.stdout.write(await renderBlocks(format, 'glassbox vog', blocks));
}
