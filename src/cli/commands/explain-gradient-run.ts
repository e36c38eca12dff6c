import { labelsOf } from '../../data/schema-helpers.js';
import { takeRows } from '../../data/table.js';
import { GlassboxError } from '../../errors.js';
import type { GradientModel } from '../../explain/gradients/public.js';
import { isDifferentiable } from '../../model/capabilities.js';
import { isTfjsLayersLike, randomizableTfjs } from '../../model/tfjs/randomizable.js';
import { loadModel } from '../../model/load-model.js';
import { channelsFirstView, imageLayout, permuteImages, permuteValues, type ImageLayout } from '../../model/image-layout.js';
import type { Model } from '../../model/model.js';
import { loadOnnxGradModel } from '../../model/onnx-grad/public.js';
import { rawMatrixFromTable } from '../../encode/raw-matrix.js';
import { renderBlocksPage } from '../../report/html.js';
import type { Tensor } from '../../model/tensor.js';
import { loadInputs } from '../load-inputs.js';
import { parseRowRange } from '../options.js';
import type { ExplainFlags } from './explain.js';
import { engineFlag, runGradientExplain, type GradientFlags } from './explain-gradients.js';
import { folderLabels, isImageData, labelsFile, loadGradientData } from '../image-inputs.js';

export { isImageData };

/**
 * `glassbox explain --method <gradient method>`: ONNX models run through the gradient interpreter,
 * TF.js models through tfjs; data is an image folder, a .npy tensor, or tabular rows (encoded first).
 * JSON holds `values` in the input's shape per row.
 */
export async function runGradientExplainCommand(flags: ExplainFlags & GradientFlags, format: 'json' | 'table' | 'html'): Promise<string> {
  const run = flags.demo ? await demoGradientRun(flags) : await fileGradientRun(flags);
  try {
    const { model, x, labels, rowIds, layout } = run;
    // --labels is read (and cut to --rows) while loading the inputs
    const { labels: _labelsFile, ...rest } = flags;
    const result = await runGradientExplain(model, x, { ...rest, target: flags.target ?? 'predicted' }, labels ? { labels } : {});
    const a = result.attribution;
    if (format === 'html') return renderBlocksPage(`glassbox explain — ${a.method}`, result.blocks);
    const rows = x.shape[0] ?? 0;
    // values go back in the layout the data came in
    const values = layout === 'nhwc' ? permuteValues(a.values, x.shape, 'nchw') : { data: a.values, shape: x.shape };
    const rowShape = values.shape.slice(1);
    const size = a.values.length / Math.max(1, rows);
    if (format === 'table') {
      return `${Array.from({ length: rows }, (_, r) => `row ${rowIds[r]}: ${a.method} of output ${a.target[r]} = ${a.outputs[r]!.toFixed(4)}; Σ attribution ${sum(a.values.subarray(r * size, (r + 1) * size)).toFixed(4)}${a.delta ? `, completeness delta ${a.delta[r]!.toExponential(2)}` : ''}`).join('\n')}\n`;
    }
    return `${JSON.stringify({
      method: a.method,
      options: a.options,
      ...(a.seed === undefined ? {} : { seed: a.seed }),
      ...gradientEngineOf(run.inner),
      shape: [rows, ...rowShape],
      rowIds,
      target: Array.from(a.target),
      outputs: Array.from(a.outputs),
      baseValues: Array.from(a.baseValues),
      values: Array.from({ length: rows }, (_, r) => nest(values.data.subarray(r * size, (r + 1) * size), rowShape)),
      ...(a.delta ? { delta: Array.from(a.delta) } : {}),
    })}\n`;
  } finally {
    await run.dispose();
  }
}

/** What a gradient command explains: the (channels-first) model and images, the rows' labels and ids. */
interface GradientRun {
  readonly model: GradientModel;
  /** The loaded model, before any channels-first view. */
  readonly inner: GradientModel;
  readonly x: Tensor;
  readonly labels?: Int32Array;
  readonly rowIds: number[];
  /** Layout of the data as given; channels-last images are explained through a channels-first view. */
  readonly layout: ImageLayout;
  readonly dispose: () => Promise<void>;
}

async function fileGradientRun(flags: ExplainFlags & GradientFlags): Promise<GradientRun> {
  if (!flags.model) throw new GlassboxError('invalid_argument', 'Missing --model: gradient methods need a differentiable model (.onnx or TF.js model.json).', { argument: '--model' });
  if (!flags.data) throw new GlassboxError('invalid_argument', 'Missing --data: a folder of images, a .npy tensor, or tabular rows.', { argument: '--data' });
  const { model, dispose } = await loadDifferentiable(flags.model, engineFlag(flags));
  try {
    const inputs = await gradientInputs(flags, model);
    return { ...inputs, model, inner: model, layout: 'nchw', dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** `--demo digits`: the demo's TF.js CNN and its test images (channels-last), labelled from the table. */
async function demoGradientRun(flags: ExplainFlags & GradientFlags): Promise<GradientRun> {
  const inputs = await loadInputs({ demo: flags.demo! }, { seed: 0, requireLabels: false });
  const x = inputs.x;
  if (!isDifferentiable(inputs.model) || !x || x.shape.length !== 4) {
    await inputs.model.dispose?.();
    throw new GlassboxError('invalid_argument', `--demo ${flags.demo}: gradient methods need an image demo with a differentiable model.`, { argument: '--demo', hint: 'Use --demo digits, or --model/--data files.' });
  }
  const n = x.shape[0]!;
  const [start, end] = flags.rows === undefined ? [0, Math.min(n, 10)] : parseRowRange(flags.rows, n);
  const size = x.data.length / n;
  const table = takeRows(inputs.table, Int32Array.from({ length: end - start }, (_, i) => start + i));
  const labels = inputs.schema.target && inputs.schema.target.task !== 'regression' ? labelsOf(table, inputs.schema) : undefined;
  const slice: Tensor = { data: x.data.subarray(start * size, end * size), shape: [end - start, ...x.shape.slice(1)] };
  const layout = imageLayout(slice.shape);
  const { model: inner, dispose } = withLogits(inputs.model as GradientModel);
  return {
    model: layout === 'nhwc' ? channelsFirstView(inner) : inner,
    inner,
    x: layout === 'nhwc' ? permuteImages(slice, 'nhwc') : slice,
    ...(labels ? { labels } : {}),
    rowIds: Array.from(table.rowIds),
    layout,
    dispose,
  };
}

/** TF.js layers models are wrapped so that they report logits and support guided backprop; dispose frees both. */
function withLogits(model: GradientModel): { model: GradientModel; dispose: () => Promise<void> } {
  if (!isTfjsLayersLike(model)) return { model, dispose: async () => (model as Model).dispose?.() };
  const wrapped = randomizableTfjs(model);
  return {
    model: wrapped as unknown as GradientModel,
    dispose: async () => {
      await wrapped.dispose();
      await model.dispose();
    },
  };
}

/** Which engine computed the gradients, and why the interpreter when onnxruntime could not. */
function gradientEngineOf(model: object): { engine?: string; engineNote?: string } {
  const m = model as { gradientEngine?: string; engineNote?: string };
  return { ...(m.gradientEngine ? { engine: m.gradientEngine } : {}), ...(m.engineNote ? { engineNote: m.engineNote } : {}) };
}

async function loadDifferentiable(location: string, engine: ReturnType<typeof engineFlag>): Promise<{ model: GradientModel; dispose: () => Promise<void> }> {
  if (location.toLowerCase().endsWith('.onnx')) return withLogits(await loadOnnxGradModel(location, { engine }));
  const model = await loadModel(location);
  if (!isDifferentiable(model)) {
    await model.dispose?.();
    throw new GlassboxError('missing_capability', `${location}: gradient methods need a differentiable model (ONNX or TF.js); this one only predicts.`, { file: location, hint: 'Use a model-agnostic method: --method kernel-shap, lime or occlusion.' });
  }
  return withLogits(model as GradientModel);
}


/** The explained rows of image input: the tensor cut to --rows (default: every row, or the first `defaultRows`), its labels (folder names or --labels) and row ids. */
export interface ImageRows {
  readonly x: Tensor;
  readonly labels?: Int32Array;
  readonly rowIds: number[];
}

/**
 * Loads a folder of images or a .npy tensor (loadGradientData) and cuts it, and its labels (from the
 * folder's subfolders or `--labels file.npy`, checked to have one entry per row), to `--rows a:b`.
 */
export async function loadImageRows(flags: Pick<ExplainFlags, 'data' | 'rows' | 'labels'>, model: Pick<Model, 'inputSpec' | 'classes' | 'outputWidth'>, defaultRows?: number): Promise<ImageRows> {
  const data = await loadGradientData(flags.data!, model);
  const n = data.x.shape[0] ?? 0;
  const labels = flags.labels ? labelsFile(flags.labels, n) : data.labels && data.classes ? folderLabels(data.labels, data.classes, model) : undefined;
  const [start, end] = flags.rows === undefined && defaultRows !== undefined ? [0, Math.min(n, defaultRows)] : parseRowRange(flags.rows, n);
  const size = data.x.data.length / Math.max(1, n);
  return {
    x: { data: data.x.data.subarray(start * size, end * size), shape: [end - start, ...data.x.shape.slice(1)] },
    ...(labels ? { labels: labels.subarray(start, end) } : {}),
    rowIds: Array.from({ length: end - start }, (_, i) => start + i),
  };
}



async function gradientInputs(flags: ExplainFlags & GradientFlags, model: GradientModel): Promise<{ x: Tensor; labels?: Int32Array; rowIds: number[] }> {
  if (isImageData(flags.data)) return loadImageRows(flags, model);
  const { target: _class, method: _method, labels: _labels, ...inputFlags } = flags;
  const inputs = await loadInputs(inputFlags, { seed: 0, requireLabels: false });
  if (!inputs.encoder) throw new GlassboxError('invalid_argument', 'Tabular data needs an encoder: pass --preprocess.', { argument: '--preprocess' });
  const [start, end] = parseRowRange(flags.rows, inputs.table.nRows);
  const table = takeRows(inputs.table, Int32Array.from({ length: end - start }, (_, i) => start + i));
  const encoded = inputs.encoder.encode(rawMatrixFromTable(table, inputs.encoder.features));
  const labels = flags.labels ? labelsFile(flags.labels, inputs.table.nRows).subarray(start, end) : undefined;
  return { x: { data: encoded, shape: [table.nRows, inputs.encoder.outputWidth] }, ...(labels ? { labels } : {}), rowIds: Array.from(table.rowIds) };
}

/** A flat row-major array as nested arrays of `shape`. */
export function nest(values: Float64Array | Float32Array | Int32Array, shape: readonly number[]): unknown {
  if (shape.length <= 1) return Array.from(values);
  const stride = values.length / shape[0]!;
  return Array.from({ length: shape[0]! }, (_, i) => nest(values.subarray(i * stride, (i + 1) * stride), shape.slice(1)));
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
