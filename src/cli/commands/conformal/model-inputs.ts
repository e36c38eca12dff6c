import { GlassboxError } from '../../../errors.js';
import { protectedGroups } from '../../../data/schema-helpers.js';
import { rawMatrixFromTable } from '../../../encode/raw-matrix.js';
import { pipeline } from '../../../model/pipeline.js';
import type { Model } from '../../../model/model.js';
import { scanLabels } from '../../../scan/scan.js';
import { conformalSplit } from '../../../uncertainty/conformal/conformal-split.js';
import type { RowGrouping } from '../../../uncertainty/conformal/evaluate.js';
import { loadInputs, type InputFlags } from '../../load-inputs.js';

/** The audited rows of a model and data, split (seeded) into calibration and evaluation rows. */
export interface ModelRows {
  readonly model: Model;
  readonly width: number;
  readonly classes: readonly string[];
  /** Model outputs of the calibration and evaluation rows, row-major. */
  readonly calibration: { readonly outputs: Float64Array; readonly labels: Float64Array; readonly rowIds: Int32Array; readonly positions: Int32Array };
  readonly evaluation: { readonly outputs: Float64Array; readonly labels: Float64Array; readonly rowIds: Int32Array; readonly positions: Int32Array };
  readonly groupings: readonly RowGrouping[];
  readonly describe: { readonly data: string; readonly model: string };
  /** How the rows were chosen, in words. */
  readonly split: string;
  readonly unlabelled: number;
}

export async function loadModelRows(flags: InputFlags, options: { fraction: number; seed: number }): Promise<ModelRows> {
  const inputs = await loadInputs(flags, { seed: 0 });
  const { table, schema, model } = inputs;
  let outputs: Float32Array;
  try {
    if (inputs.encoder) outputs = await pipeline(model, inputs.encoder).predictRaw(rawMatrixFromTable(table, inputs.encoder.features));
    else if (inputs.x) outputs = await model.predict(inputs.x);
    else throw new GlassboxError('invalid_argument', 'conformal: this input has neither tabular columns nor a model input tensor.', { argument: '--data' });
  } catch (error) {
    await model.dispose?.();
    throw error;
  }
  const labels = scanLabels(table, schema);
  const labelled = Int32Array.from({ length: table.nRows }, (_, i) => i).filter((i) => (model.task === 'regression' ? Number.isFinite(labels[i]!) : labels[i]! >= 0));
  if (labelled.length < 2) throw new GlassboxError('invalid_input', `${inputs.describe?.data ?? 'the data'}: ${labelled.length} labelled rows; conformal calibration needs labelled rows to split.`, { argument: '--data', hint: 'Give data with a label column (--target).' });
  // held-out rows only: the model was fitted on the training split, so its scores there are not exchangeable with new rows'
  const { calibration, evaluation } = conformalSplit(labelled, options.fraction, options.seed);
  const width = model.outputWidth;
  const take = (rows: Int32Array) => ({
    outputs: Float64Array.from({ length: rows.length * width }, (_, j) => outputs[rows[Math.floor(j / width)]! * width + (j % width)]!),
    labels: Float64Array.from(rows, (i) => labels[i]!),
    rowIds: Int32Array.from(rows, (i) => table.rowIds[i]!),
    positions: rows,
  });
  const groups = protectedGroups(table, schema.protected ?? []).map((g) => ({ name: g.name, codes: g.codes, labels: g.labels }));
  const source = inputs.describe ?? { data: flags.data ?? `demo:${flags.demo ?? ''}`, model: flags.model ?? `demo:${flags.demo ?? ''}` };
  const audited = schema.split ? `the test split (${table.nRows} rows)` : `all ${table.nRows} rows`;
  return {
    model,
    width,
    classes: model.task === 'regression' ? [] : [...model.classes],
    calibration: take(calibration),
    evaluation: take(evaluation),
    groupings: groups,
    describe: { data: source.data, model: source.model },
    split: `${audited} of ${source.data}, labelled, split by a seeded permutation (seed ${options.seed}): ${calibration.length} calibrate, ${evaluation.length} are evaluated; training rows are never used (the model was fitted on them)`,
    unlabelled: table.nRows - labelled.length,
  };
}

/** Restricts a grouping to some rows (positions in the audited table). */
export function groupingAt(grouping: RowGrouping, positions: Int32Array): RowGrouping {
  return { name: grouping.name, labels: grouping.labels, codes: Int32Array.from(positions, (p) => grouping.codes[p]!) };
}
