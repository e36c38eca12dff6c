import type { Schema } from '../../../../data/schema.js';
import { takeRows, type Table } from '../../../../data/table.js';
import type { Encoder, RawMatrix } from '../../../../encode/encoder.js';
import { rawMatrixFromTable } from '../../../../encode/raw-matrix.js';
import { GlassboxError } from '../../../../errors.js';
import { isTreeEnsemble } from '../../../../model/capabilities.js';
import type { Model } from '../../../../model/model.js';
import { pipeline } from '../../../../model/pipeline.js';
import { labelsFile } from '../../../image-inputs.js';
import { loadInputs, loadMoreRows, type LoadedInputs } from '../../../load-inputs.js';
import type { Tensor } from '../../../../model/tensor.js';
import { checkBackgroundShape, firstRows, isBackgroundCount } from './tensor-background.js';
import { parseFeatures, positiveFlag, selectDemoRows, selectRows } from '../../../options.js';
import { DEFAULT_ROWS, parseTargetClass, seedFlag, withClassHint, type ExplainFlags } from '../flags.js';
import type { ExplainJob, LoadJob } from '../job.js';
import { checkMethodFlags, tabularDefault, type ExplainMethod } from '../methods.js';
import { gradientEngineOf, loadDifferentiable } from './differentiable.js';

/** Tabular inputs once loaded: the rows (after the split), the training rows, the model and its encoder. */
export interface TabularInputs {
  readonly model: Model;
  readonly encoder: Encoder;
  readonly schema: Schema;
  /** Rows --rows selects from (every row of the file). */
  readonly table: Table;
  readonly train?: Table;
}

/** Tabular rows from --data/--model (or --demo credit): model-agnostic and tree methods explain raw rows through the encoder, gradient methods the encoded rows. */
export const loadTabularJob: LoadJob = async (flags, method, signal) => {
  if (method?.access === 'gradients') return gradientJob(flags, method, signal);
  const inputs = await loadInputs(flags, { seed: seedFlag(flags), requireLabels: false }).catch((error: unknown) => {
    throw withClassHint(error, flags);
  });
  try {
    if (!inputs.encoder) throw new GlassboxError('invalid_argument', 'glassbox explain explains tabular models: pass --preprocess or a schema the encoder can be fitted from', { argument: '--preprocess' });
    // --rows counts data rows of the whole file; the training split stays the background (a demo: its test rows)
    return await tabularJob({ ...inputs, ...(flags.demo ? {} : { table: inputs.all }), encoder: inputs.encoder }, method, flags, signal);
  } catch (error) {
    await inputs.model.dispose?.();
    throw error;
  }
};

/**
 * The job for loaded tabular inputs: the rows of --rows (default the first 10) as raw features, the
 * pipeline (model ∘ encoder) as subject, and the background, features and class the method takes.
 * Without --method the model decides (tabularDefault).
 */
export async function tabularJob(inputs: TabularInputs, method: ExplainMethod | undefined, flags: ExplainFlags, signal?: AbortSignal): Promise<ExplainJob> {
  const chosen = method ? undefined : tabularDefault(isTreeEnsemble(inputs.model));
  const used = method ?? chosen!.method;
  if (chosen) checkMethodFlags([used], 'tabular', flags);
  const table = takeRows(inputs.table, flags.demo ? selectDemoRows(inputs.table.nRows, flags.rows, DEFAULT_ROWS) : selectRows(inputs.table, flags.rows, DEFAULT_ROWS));
  const x = rawMatrixFromTable(table, inputs.encoder.features);
  const backgroundKind = used.background?.(flags);
  const background = backgroundKind ? await loadBackground(flags, backgroundKind, inputs.train ?? table, inputs) : undefined;
  const context = {
    ...(background ? { background } : {}),
    ...(flags.features ? { features: parseFeatures(flags.features, inputs.encoder.features) } : {}),
    ...(flags.class !== undefined ? { target: parseTargetClass(flags.class, inputs.model, { selectors: false }) } : {}),
    ...(signal ? { signal } : {}),
  };
  return {
    method: used,
    ...(chosen ? { methodChoice: chosen.reason } : {}),
    subject: pipeline(inputs.model, inputs.encoder),
    x,
    context,
    rowIds: Array.from(table.rowIds),
    classes: inputs.model.classes,
    layout: { kind: 'features', x, features: inputs.encoder.features },
    dispose: async () => inputs.model.dispose?.(),
  };
}

/**
 * Background rows: `--background FILE` (read with the schema), else the first n rows of `source`
 * (the training rows, or the explained rows without a split): n from --background-rows or
 * `--background n`, default 100 ('training' background: every row).
 */
async function loadBackground(flags: ExplainFlags, kind: 'shapley' | 'training', source: Table, inputs: Pick<TabularInputs, 'schema' | 'encoder'>): Promise<RawMatrix> {
  const flag = flags.background;
  if (flag !== undefined && !/^\d+$/.test(flag)) {
    const table = await loadMoreRows(flag, inputs, flags);
    return rawMatrixFromTable(table, inputs.encoder.features);
  }
  const raw = rawMatrixFromTable(source, inputs.encoder.features);
  const n = flags.backgroundRows !== undefined ? positiveFlag('--background-rows', flags.backgroundRows, 100) : flag !== undefined ? positiveFlag('--background', flag, 100) : kind === 'training' ? raw.nRows : 100;
  const rows = Math.min(n, raw.nRows);
  return { data: raw.data.slice(0, rows * raw.nFeatures), nRows: rows, nFeatures: raw.nFeatures };
}

/** Gradient methods on tabular rows: the encoded rows of a differentiable model (ONNX through the gradient adapter, or TF.js). */
async function gradientJob(flags: ExplainFlags, method: ExplainMethod, signal?: AbortSignal): Promise<ExplainJob> {
  if (flags.demo) throw new GlassboxError('invalid_argument', `--demo ${flags.demo}: gradient methods need an image demo with a differentiable model.`, { argument: '--demo', hint: 'Use --demo digits, or --model/--data files.' });
  if (!flags.model) throw new GlassboxError('invalid_argument', 'Missing --model: gradient methods need a differentiable model (.onnx or TF.js model.json).', { argument: '--model' });
  if (!flags.data) throw new GlassboxError('invalid_argument', 'Missing --data: a folder of images, a .npy tensor, or tabular rows.', { argument: '--data' });
  const loaded = await loadDifferentiable(flags.model, flags);
  try {
    const { method: _method, labels: _labels, ...inputFlags } = flags;
    const inputs = await loadInputs(inputFlags, { seed: 0, rows: 'all', requireLabels: false, model: loaded.model }).catch((error: unknown) => {
      throw withClassHint(error, flags);
    });
    if (!inputs.encoder) throw new GlassboxError('invalid_argument', 'Tabular data needs an encoder: pass --preprocess.', { argument: '--preprocess' });
    const rows = selectRows(inputs.table, flags.rows, DEFAULT_ROWS);
    const table = takeRows(inputs.table, rows);
    const x = { data: inputs.encoder.encode(rawMatrixFromTable(table, inputs.encoder.features)), shape: [table.nRows, inputs.encoder.outputWidth] };
    const all = flags.labels ? labelsFile(flags.labels, inputs.table.nRows) : undefined;
    const labels = all ? Int32Array.from(rows, (r) => all[r]!) : undefined;
    const rowIds = Array.from(table.rowIds);
    const labelSource = { ...(labels ? { labels } : {}), hint: 'Pass --labels labels.npy with one integer class per row of --data.' };
    const target = parseTargetClass(flags.class, loaded.model, { selectors: true, fallback: 'predicted', labels: labelSource, rowIds });
    const background = method.tensorBackground ? await encodedBackground(flags, inputs, x) : undefined;
    return {
      method,
      subject: loaded.model,
      x,
      context: { ...(target === undefined ? {} : { target }), ...(background ? { background } : {}), ...(signal ? { signal } : {}) },
      rowIds,
      classes: loaded.model.classes,
      layout: { kind: 'tensor', x, channelsLast: false },
      ...(labels ? { labels } : {}),
      header: () => gradientEngineOf(loaded.model),
      dispose: loaded.dispose,
    };
  } catch (error) {
    await loaded.dispose();
    throw error;
  }
}

/** Expected Gradients' background as encoded rows: `--background FILE` (read with the schema), or the first n training rows. */
async function encodedBackground(flags: ExplainFlags, inputs: LoadedInputs, x: Tensor): Promise<Tensor> {
  const encoder = inputs.encoder!;
  const encode = (table: Table): Tensor => ({ data: encoder.encode(rawMatrixFromTable(table, encoder.features)), shape: [table.nRows, encoder.outputWidth] });
  if (isBackgroundCount(flags.background)) return firstRows(encode(inputs.train ?? inputs.table), flags.background, flags.data!);
  const file = flags.background!;
  return checkBackgroundShape(encode(await loadMoreRows(file, { schema: inputs.schema, encoder }, flags)), x, file);
}
