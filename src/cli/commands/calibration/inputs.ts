import { existsSync } from 'node:fs';
import { GlassboxError } from '../../../errors.js';
import { labelsOf, protectedGroups } from '../../../data/schema-helpers.js';
import { loadTable } from '../../../data/load-table.js';
import { findColumn } from '../../../data/table.js';
import { toCategorical } from '../../../data/column-convert.js';
import { rawMatrixFromTable } from '../../../encode/raw-matrix.js';
import { pipeline } from '../../../model/pipeline.js';
import type { ScoreSpace } from '../../../uncertainty/calibration/calibrator.js';
import { isImageData } from '../../input-kind.js';
import { loadInputs, type InputFlags } from '../../load-inputs.js';
import { readLabelFile, readScoreMatrix } from '../../prediction-files.js';

export interface CalibrationInputFlags extends InputFlags {
  predictions?: string;
  logits?: boolean;
}

/** Outputs and labels to calibrate, with the groups to break them down by. */
export interface CalibrationInputs {
  readonly scores: Float64Array;
  readonly space: ScoreSpace;
  readonly n: number;
  readonly k: number;
  readonly labels: Int32Array;
  readonly classNames?: readonly string[];
  /** 0-based data rows of the input the outputs belong to. */
  readonly rowIds: Int32Array;
  readonly groups: readonly { readonly name: string; readonly codes: Int32Array; readonly labels: readonly string[] }[];
  readonly source: string;
}

const isFile = (spec: string): boolean => /\.(npy|csv|tsv|txt|json)$/i.test(spec) && existsSync(spec);

/** Resolves --predictions/--labels or --model/--data/--demo into outputs and labels, checked before any work. */
export async function loadCalibrationInputs(flags: CalibrationInputFlags): Promise<CalibrationInputs> {
  if (flags.predictions && (flags.model || flags.demo)) throw new GlassboxError('invalid_argument', 'Use either --predictions or --model/--demo, not both.', { argument: '--predictions' });
  if (!flags.predictions && !flags.model && !flags.demo) throw new GlassboxError('invalid_argument', 'Give --predictions FILE (saved outputs) or --model M --data D (or --demo NAME).', { argument: '--predictions', hint: 'e.g. glassbox calibration --predictions probs.npy --labels y.npy' });
  if (flags.logits && !flags.predictions) throw new GlassboxError('invalid_argument', '--logits describes --predictions; a model given with --model returns probabilities.', { argument: '--logits' });
  return flags.predictions ? fromPredictions(flags, flags.predictions) : fromModel(flags);
}

async function fromPredictions(flags: CalibrationInputFlags, file: string): Promise<CalibrationInputs> {
  const matrix = readScoreMatrix(file, '--predictions');
  const labelSpec = flags.labels ?? flags.target;
  if (!labelSpec) throw new GlassboxError('invalid_argument', '--predictions needs --labels: a file of class indices (one per row) or a column of --data.', { argument: '--labels', hint: 'e.g. --labels y.npy' });
  let labels: Int32Array;
  if (isFile(labelSpec)) {
    labels = readLabelFile(labelSpec, '--labels');
  } else {
    if (!flags.data) throw new GlassboxError('invalid_argument', `--labels "${labelSpec}" is not a file; to name a column, give the table with --data.`, { argument: '--labels', hint: 'e.g. --data test.csv --labels y' });
    const table = await loadTable(flags.data);
    const column = findColumn(table, labelSpec);
    if (!column) throw new GlassboxError('invalid_argument', `--labels "${labelSpec}" is neither a file nor a column of ${flags.data} (${table.columns.map((c) => c.name).join(', ')}).`, { argument: '--labels', column: labelSpec });
    labels = column.kind === 'numeric' ? Int32Array.from(column.values) : toCategorical(table, column, { role: 'class', file: flags.data }).codes;
  }
  if (labels.length !== matrix.n) throw new GlassboxError('shape_mismatch', `--predictions ${file} has ${matrix.n} rows but --labels has ${labels.length}.`, { argument: '--labels', hint: 'Predictions and labels must describe the same rows, in the same order.' });
  return { scores: matrix.values, space: flags.logits ? 'logits' : 'probabilities', n: matrix.n, k: matrix.k, labels, rowIds: Int32Array.from({ length: matrix.n }, (_, i) => i), groups: [], source: file };
}

async function fromModel(flags: CalibrationInputFlags): Promise<CalibrationInputs> {
  // --labels is a file of labels for image tensors, a label column otherwise
  const imageLabels = flags.labels !== undefined && flags.data !== undefined && isImageData(flags.data);
  const { labels: labelFlag, ...rest } = flags;
  const inputFlags: InputFlags = imageLabels ? flags : { ...rest, ...(labelFlag !== undefined ? { target: labelFlag } : {}) };
  const inputs = await loadInputs(inputFlags, { seed: 0 });
  const { model, table, schema } = inputs;
  try {
    if (model.task === 'regression') throw new GlassboxError('unsupported_model', `${flags.model ?? `demo ${flags.demo}`} is a regression model; calibration reads class probabilities.`, { argument: '--model' });
    let outputs: Float32Array;
    if (inputs.encoder) outputs = await pipeline(model, inputs.encoder).predictRaw(rawMatrixFromTable(table, inputs.encoder.features));
    else if (inputs.x) outputs = await model.predict(inputs.x);
    else throw new GlassboxError('invalid_argument', 'No model input for these rows.', { argument: '--data' });
    const labels = labelsOf(table, schema);
    const k = model.outputWidth;
    // rows without a label (code −1) are left out
    const rows = Int32Array.from(Array.from(labels.keys()).filter((i) => labels[i]! >= 0));
    if (rows.length === 0) throw new GlassboxError('invalid_input', `${flags.data ?? `demo ${flags.demo}`}: no row has a label.`, { argument: '--labels' });
    const scores = new Float64Array(rows.length * k);
    rows.forEach((i, j) => {
      for (let c = 0; c < k; c++) scores[j * k + c] = outputs[i * k + c]!;
    });
    const groups = protectedGroups(table, schema.protected ?? []).map((g) => ({ name: g.name, codes: Int32Array.from(rows, (i) => g.codes[i]!), labels: g.labels }));
    return { scores, space: 'probabilities', n: rows.length, k, labels: Int32Array.from(rows, (i) => labels[i]!), classNames: [...model.classes], rowIds: Int32Array.from(rows, (i) => table.rowIds[i]!), groups, source: `${inputs.describe?.data ?? flags.data} × ${inputs.describe?.model ?? flags.model}` };
  } finally {
    await model.dispose?.();
  }
}
