import { labelsOf } from '../../../../data/schema-helpers.js';
import { takeRows } from '../../../../data/table.js';
import { GlassboxError } from '../../../../errors.js';
import { channelsFirstView, imageLayout, permuteImages } from '../../../../model/image-layout.js';
import type { Model } from '../../../../model/model.js';
import type { Tensor } from '../../../../model/tensor.js';
import { folderLabels, labelsFile, loadGradientData } from '../../../image-inputs.js';
import { selectDemoRows, selectRows } from '../../../options.js';
import { DEFAULT_ROWS, parseTargetClass, type ExplainFlags } from '../flags.js';
import type { LoadJob } from '../job.js';
import type { ExplainMethod } from '../methods.js';
import { asGradientModel, gradientEngineOf, loadDifferentiable } from './differentiable.js';
import { checkBackgroundShape, firstRows, isBackgroundCount } from './tensor-background.js';

/** Images as loaded, before any channels-first view: the model, the rows of --rows, their labels and ids. */
interface ImageRows {
  readonly model: Model;
  readonly x: Tensor;
  readonly labels?: Int32Array;
  readonly rowIds: readonly number[];
  /** Where `--background n` draws from: the training images of a demo, else every image of --data. */
  readonly backgroundSource: Tensor;
  readonly dispose: () => Promise<void>;
}

const LABEL_HINT = 'Put the images in one subfolder per class (named like the model’s classes), or pass --labels y.npy with one class index per image.';

/**
 * Images from a folder (one subfolder per class), a .npy tensor or `--demo digits`, cut to --rows
 * (default the first 10). Gradient methods get a differentiable model; the others any model that
 * predicts (they explain its probabilities). Channels-last images are explained through a
 * channels-first view of the model; output.ts gives the values back in the input's layout.
 */
export const loadImageJob: LoadJob = async (flags, method, signal) => {
  if (!method) throw new Error('image input: the method is resolved before loading');
  const rows = flags.demo ? await demoImages(flags, method) : await fileImages(flags, method);
  try {
    signal?.throwIfAborted();
    const { model, x, labels, rowIds } = rows;
    if (method.access === 'predictions' && x.shape.length !== 4) {
      throw new GlassboxError('shape_mismatch', `Image methods need images [n, C, H, W] or [n, H, W, C]; the data has shape [${x.shape.join(', ')}].`, { argument: '--data', hint: 'For tabular rows pass a CSV/Parquet file with --schema; for images a folder or an NCHW .npy tensor.' });
    }
    const channelsLast = x.shape.length === 4 && imageLayout(x.shape) === 'nhwc';
    const modelX = channelsLast ? permuteImages(x, 'nhwc') : x;
    const background = method.tensorBackground ? await imageBackground(flags, rows, model) : undefined;
    const modelBackground = background && channelsLast ? permuteImages(background, 'nhwc') : background;
    const target = parseTargetClass(flags.class, model, { selectors: true, fallback: 'predicted', labels: { ...(labels ? { labels } : {}), hint: LABEL_HINT }, rowIds });
    return {
      method,
      subject: channelsLast ? channelsFirstView(model) : model,
      x: modelX,
      context: { ...(target === undefined ? {} : { target }), ...(modelBackground ? { background: modelBackground } : {}), ...(signal ? { signal } : {}) },
      rowIds,
      classes: model.classes,
      layout: { kind: 'tensor', x: modelX, channelsLast },
      ...(labels ? { labels } : {}),
      header: () => (method.access === 'gradients' ? gradientEngineOf(model) : { output: 'probabilities' }),
      dispose: rows.dispose,
    };
  } catch (error) {
    await rows.dispose();
    throw error;
  }
};

async function fileImages(flags: ExplainFlags, method: ExplainMethod): Promise<ImageRows> {
  if (!flags.model) throw new GlassboxError('invalid_argument', 'Missing --model: the image model to explain (.onnx, TF.js model.json, …).', { argument: '--model', hint: `e.g. glassbox explain --model cnn.onnx --data x.npy --method ${method.alias ?? method.name}` });
  const { model, dispose } = method.access === 'gradients' ? await loadDifferentiable(flags.model, flags) : await plainModel(flags.model);
  try {
    const data = await loadGradientData(flags.data!, model);
    const n = data.x.shape[0] ?? 0;
    const all = flags.labels ? labelsFile(flags.labels, n) : data.labels && data.classes ? folderLabels(data.labels, data.classes, model) : undefined;
    const rows = selectRows({ nRows: n, rowIds: Int32Array.from({ length: n }, (_, i) => i) }, flags.rows, DEFAULT_ROWS);
    return { model, x: takeTensorRows(data.x, rows), ...(all ? { labels: Int32Array.from(rows, (r) => all[r]!) } : {}), rowIds: Array.from(rows), backgroundSource: data.x, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** Expected Gradients' background: `--background FILE` (a .npy tensor or image folder), or the first n images of the source. */
async function imageBackground(flags: ExplainFlags, rows: ImageRows, model: Model): Promise<Tensor> {
  if (isBackgroundCount(flags.background)) return firstRows(rows.backgroundSource, flags.background, flags.data ?? `--demo ${flags.demo}`);
  const file = flags.background!;
  return checkBackgroundShape((await loadGradientData(file, model)).x, rows.x, file);
}

async function plainModel(location: string): Promise<{ model: Model; dispose: () => Promise<void> }> {
  const { loadModel } = await import('../../../../model/load-model.js');
  const model = await loadModel(location);
  return { model, dispose: async () => model.dispose?.() };
}

/** `--demo digits`: the test split's images, labelled from the table. */
async function demoImages(flags: ExplainFlags, method: ExplainMethod): Promise<ImageRows> {
  // demos come through the shared loader (and its data engine); image files do not need it
  const { loadInputs } = await import('../../../load-inputs.js');
  const inputs = await loadInputs({ demo: flags.demo! }, { seed: 0, requireLabels: false });
  const x = inputs.x;
  if (!x || x.shape.length !== 4) {
    await inputs.model.dispose?.();
    throw new GlassboxError('invalid_argument', `--demo ${flags.demo} has no image input.`, { argument: '--demo', hint: 'Image methods run on --demo digits or --model/--data images.' });
  }
  const { model, dispose } = method.access === 'gradients' ? await asGradientModel(inputs.model, `--demo ${flags.demo}`) : { model: inputs.model, dispose: async () => inputs.model.dispose?.() };
  const rows = selectDemoRows(inputs.table.nRows, flags.rows, DEFAULT_ROWS);
  const table = takeRows(inputs.table, rows);
  const labels = inputs.schema.target && inputs.schema.target.task !== 'regression' ? labelsOf(table, inputs.schema) : undefined;
  return { model, x: takeTensorRows(x, rows), ...(labels ? { labels } : {}), rowIds: Array.from(table.rowIds), backgroundSource: inputs.trainX ?? x, dispose };
}

/** The given rows of a tensor, in order. */
function takeTensorRows(x: Tensor, rows: Int32Array): Tensor {
  const n = x.shape[0] ?? 0;
  const size = x.data.length / Math.max(1, n);
  const data = new Float32Array(rows.length * size);
  rows.forEach((r, i) => data.set(x.data.subarray(r * size, (r + 1) * size), i * size));
  return { data, shape: [rows.length, ...x.shape.slice(1)] };
}
