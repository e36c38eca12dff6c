import { labelsOf } from '../../data/schema-helpers.js';
import { takeRows } from '../../data/table.js';
import { GlassboxError } from '../../errors.js';
import type { Attribution } from '../../explain/attribution.js';
import type { Explainer, TargetSelector } from '../../explain/explainer.js';
import { heatmapOverlayPng, imageOcclusion } from '../../explain/gradients/public.js';
import { limeImage } from '../../explain/image/lime-image.js';
import { loadModel } from '../../model/load-model.js';
import { channelsFirstView, imageLayout, permuteImages } from '../../model/image-layout.js';
import type { Model } from '../../model/model.js';
import type { Tensor } from '../../model/tensor.js';
import type { ReportBlock } from '../../results/blocks.js';
import { renderBlocksPage } from '../../report/html.js';
import { loadInputs } from '../load-inputs.js';
import { parseChoice, parseIntegerFlag, parseRowRange } from '../options.js';
import type { ExplainFlags } from './explain.js';
import { loadImageRows, nest } from './explain-gradient-run.js';
import { positiveFlag } from './explain-mode.js';
import { targetFlag } from './explain-gradients.js';

/** Rows explained when --rows is not given: LIME costs 1000 model calls per image. */
const DEFAULT_IMAGE_ROWS = 10;

/** Images ready to explain: NCHW pixels, a model that takes NCHW, labels, row ids and how the input was laid out. */
interface ImageRun {
  readonly model: Model;
  readonly x: Tensor;
  readonly layout: 'nchw' | 'nhwc';
  readonly labels?: Int32Array;
  readonly rowIds: readonly number[];
  readonly dispose: () => Promise<void>;
}

/**
 * `glassbox explain --method lime|occlusion` on images (a folder, a .npy tensor, `--demo digits`):
 * LIME over superpixels (`limeImage`, quickshift or SLIC) or captum-style sliding-window occlusion
 * (`imageOcclusion`) of the model's probabilities. JSON `values` are in the input's shape per row,
 * like the gradient methods; LIME adds each row's superpixels, their weights, intercept and score.
 */
export async function runImageAgnosticExplain(flags: ExplainFlags, method: 'lime' | 'occlusion', format: 'json' | 'table' | 'html', reason?: string, signal?: AbortSignal): Promise<string> {
  const explainer = imageExplainer(method, flags);
  const heatmaps = parseIntegerFlag('--heatmaps', flags.heatmaps, 8);
  const run = await loadImageRun(flags, signal);
  try {
    const target = imageTarget(flags.target, run.labels, run.x.shape[0] ?? 0, run.model);
    const a = await explainer.explain(run.model, run.x, { target, ...(signal ? { signal } : {}) });
    const values = valuesLikeInput(a, run.x, run.layout);
    if (format === 'html') return renderBlocksPage(`glassbox explain — ${a.method}`, await imageBlocks(a, run, heatmaps));
    if (format === 'table') return imageTable(a, run);
    const extras = (a.extras ?? {}) as { segments?: number[][]; segmentWeights?: number[][]; intercept?: number[]; score?: number[] };
    const [, , h = 0, w = 0] = run.x.shape;
    const rows = run.rowIds.length;
    const inputShape = run.layout === 'nhwc' ? [run.x.shape[2]!, run.x.shape[3]!, run.x.shape[1]!] : run.x.shape.slice(1);
    return `${JSON.stringify({
      method: a.method,
      options: a.options,
      ...(a.seed === undefined ? {} : { seed: a.seed }),
      ...(reason ? { methodChoice: reason } : {}),
      output: 'probabilities',
      shape: [rows, ...inputShape],
      rowIds: run.rowIds,
      target: Array.from(a.target),
      outputs: Array.from(a.outputs),
      baseValues: Array.from(a.baseValues),
      values: Array.from({ length: rows }, (_, r) => nest(values.subarray(r * (values.length / rows), (r + 1) * (values.length / rows)), inputShape)),
      ...(extras.segments ? { segments: extras.segments.map((s) => nest(Int32Array.from(s), [h, w])), segmentWeights: extras.segmentWeights, intercept: extras.intercept, score: extras.score } : {}),
    })}\n`;
  } finally {
    await run.dispose();
  }
}

/** The explainer for --method and its flags; flag errors surface here, before any data is read. */
export function imageExplainer(method: 'lime' | 'occlusion', flags: ExplainFlags): Explainer<Model, Tensor> {
  const seed = parseIntegerFlag('--seed', flags.seed, 0);
  if (method === 'lime') {
    const kind = parseChoice('--segmentation', flags.segmentation, ['quickshift', 'slic'] as const, 'quickshift');
    if (flags.segments !== undefined && kind !== 'slic') throw new GlassboxError('invalid_argument', '--segments sets SLIC’s number of superpixels; quickshift finds its own.', { argument: '--segments', hint: 'Add --segmentation slic, or drop --segments.' });
    const segmentation = kind === 'slic' ? { method: 'slic' as const, nSegments: positiveFlag('--segments', flags.segments, 100) } : { method: 'quickshift' as const };
    return limeImage({ samples: positiveFlag('--samples', flags.samples, 1000, 2), seed, segmentation });
  }
  const window = positiveFlag('--window', flags.window, 4);
  const stride = positiveFlag('--stride', flags.stride, 2);
  return imageOcclusion({ window: [window, window], strides: [stride, stride], baseline: occlusionBaseline(flags.baseline), output: 'probabilities' });
}

function occlusionBaseline(value: string | undefined): number {
  if (value === undefined || value === 'zeros') return 0;
  const n = Number(value);
  if (value.trim() !== '' && Number.isFinite(n)) return n;
  throw new GlassboxError('invalid_argument', `--baseline ${value}: image occlusion fills each window with a constant.`, { argument: '--baseline', hint: 'Use --baseline zeros (default) or a number such as 0.5.' });
}

/** --target N | class name | predicted | label (default: predicted), as the gradient methods read it. */
function imageTarget(value: string | undefined, labels: Int32Array | undefined, nRows: number, model: Model): TargetSelector {
  const unknown = value === 'label' && labels ? labels.indexOf(-1) : -1;
  if (unknown >= 0) throw new GlassboxError('invalid_argument', `--target label: image ${unknown}'s folder is named after none of the model's classes (${model.classes.join(', ')}).`, { argument: '--target', hint: 'Name the subfolders after the model’s classes, pass --labels y.npy, or use --target predicted.' });
  const byName = value === undefined || value === 'predicted' || value === 'label' ? -1 : model.classes.indexOf(value);
  return byName >= 0 ? byName : targetFlag(value, labels, nRows);
}

async function loadImageRun(flags: ExplainFlags, signal?: AbortSignal): Promise<ImageRun> {
  if (flags.demo) return demoImages(flags);
  if (!flags.model) throw new GlassboxError('invalid_argument', 'Missing --model: the image model to explain (.onnx, TF.js model.json, …).', { argument: '--model', hint: 'e.g. glassbox explain --model cnn.onnx --data x.npy --method lime' });
  const model = await loadModel(flags.model);
  try {
    const rows = await loadImageRows(flags, model, DEFAULT_IMAGE_ROWS);
    signal?.throwIfAborted();
    return channelsFirst(model, rows.x, rows.labels, rows.rowIds, () => model.dispose?.() ?? Promise.resolve());
  } catch (error) {
    await model.dispose?.();
    throw error;
  }
}

/** `--demo digits`: the test split's images, labelled from the table. */
async function demoImages(flags: ExplainFlags): Promise<ImageRun> {
  const inputs = await loadInputs({ demo: flags.demo! }, { seed: 0, requireLabels: false });
  const x = inputs.x;
  if (!x || x.shape.length !== 4) throw new GlassboxError('invalid_argument', `--demo ${flags.demo} has no image input.`, { argument: '--demo', hint: 'Image methods run on --demo digits or --model/--data images.' });
  const n = x.shape[0]!;
  const [start, end] = flags.rows === undefined ? [0, Math.min(n, DEFAULT_IMAGE_ROWS)] : parseRowRange(flags.rows, n);
  const size = x.data.length / n;
  const rows = Int32Array.from({ length: end - start }, (_, i) => start + i);
  const table = takeRows(inputs.table, rows);
  const labels = inputs.schema.target && inputs.schema.target.task !== 'regression' ? labelsOf(table, inputs.schema) : undefined;
  const slice = { data: x.data.subarray(start * size, end * size), shape: [end - start, ...x.shape.slice(1)] };
  return channelsFirst(inputs.model, slice, labels, Array.from(table.rowIds), () => inputs.model.dispose?.() ?? Promise.resolve());
}

/** Channels-last input ([n, H, W, C] with C of 1, 3 or 4) is explained through a channels-first view of the model. */
function channelsFirst(model: Model, x: Tensor, labels: Int32Array | undefined, rowIds: readonly number[], dispose: () => Promise<void>): ImageRun {
  if (x.shape.length !== 4) {
    throw new GlassboxError('shape_mismatch', `Image methods need images [n, C, H, W] or [n, H, W, C]; the data has shape [${x.shape.join(', ')}].`, { argument: '--data', hint: 'For tabular rows pass a CSV/Parquet file with --schema; for images a folder or an NCHW .npy tensor.' });
  }
  const base = { rowIds, dispose, ...(labels ? { labels } : {}) };
  if (imageLayout(x.shape) === 'nchw') return { ...base, model, x, layout: 'nchw' };
  return { ...base, model: channelsFirstView(model), x: permuteImages(x, 'nhwc'), layout: 'nhwc' };
}

/** Values per input element: LIME's per-pixel superpixel weight repeated over channels; both in the input's layout. */
function valuesLikeInput(a: Attribution, x: Tensor, layout: 'nchw' | 'nhwc'): Float64Array {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const hw = h * w;
  const perPixel = a.values.length === n * hw;
  const out = new Float64Array(n * c * hw);
  for (let r = 0; r < n; r++) {
    for (let ch = 0; ch < c; ch++) {
      for (let p = 0; p < hw; p++) {
        const v = perPixel ? a.values[r * hw + p]! : a.values[(r * c + ch) * hw + p]!;
        out[layout === 'nchw' ? (r * c + ch) * hw + p : (r * hw + p) * c + ch] = v;
      }
    }
  }
  return out;
}

function imageTable(a: Attribution, run: ImageRun): string {
  const extras = (a.extras ?? {}) as { segmentWeights?: number[][]; score?: number[] };
  return `${run.rowIds
    .map((id, r) => {
      const weights = extras.segmentWeights?.[r];
      const top = weights ? ` ; ${weights.length} superpixels, top ${topSegments(weights, 3).map((k) => `#${k} ${weights[k]! >= 0 ? '+' : ''}${weights[k]!.toFixed(4)}`).join(', ')}; score ${extras.score?.[r]?.toFixed(3)}` : '';
      return `row ${id}: ${a.method} of output ${a.target[r]} = ${a.outputs[r]!.toFixed(4)}${top}`;
    })
    .join('\n')}\n`;
}

function topSegments(weights: readonly number[], k: number): number[] {
  return Array.from(weights.keys()).sort((p, q) => weights[q]! - weights[p]!).slice(0, k);
}

async function imageBlocks(a: Attribution, run: ImageRun, count: number): Promise<ReportBlock[]> {
  const [, c, h, w] = run.x.shape as [number, number, number, number];
  const size = c * h * w;
  const perRow = a.values.length / Math.max(1, run.rowIds.length);
  const extras = (a.extras ?? {}) as { segmentWeights?: number[][]; score?: number[] };
  const intro = a.method === 'lime-image'
    ? `LIME over superpixels (${JSON.stringify((a.options as { segmentation?: unknown }).segmentation)}, ${(a.options as { samples?: number }).samples} samples, seed ${a.seed}): red superpixels raise the explained class’s probability, blue ones lower it.`
    : `Sliding-window occlusion (window ${JSON.stringify((a.options as { window?: unknown }).window)}, strides ${JSON.stringify((a.options as { strides?: unknown }).strides)}): red regions, when hidden, lower the explained class’s probability.`;
  const blocks: ReportBlock[] = [{ kind: 'text', markdown: intro }];
  for (let r = 0; r < Math.min(count, run.rowIds.length); r++) {
    const png = await heatmapOverlayPng(run.x.data.subarray(r * size, (r + 1) * size), a.values.subarray(r * perRow, (r + 1) * perRow), [c, h, w], { mode: 'signed' });
    const nSegments = extras.segmentWeights?.[r]?.length;
    const lime = nSegments ? `, ${nSegments} superpixels, local R² ${extras.score?.[r]?.toFixed(3)}` : '';
    blocks.push({ kind: 'image', caption: `row ${run.rowIds[r]}: ${a.method}, class ${run.model.classes[a.target[r]!] ?? a.target[r]}, p = ${a.outputs[r]!.toFixed(3)}${lime}`, pngBase64: png });
  }
  return blocks;
}
