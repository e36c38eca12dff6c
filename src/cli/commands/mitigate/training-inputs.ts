import { GlassboxError } from '../../../errors.js';
import { labelsOf } from '../../../data/schema-helpers.js';
import { takeRows, type Table } from '../../../data/table.js';
import { rawMatrixFromTable } from '../../../encode/raw-matrix.js';
import { isTrainable, type Trainable } from '../../../model/capabilities.js';
import type { Model } from '../../../model/model.js';
import type { Tensor } from '../../../model/tensor.js';
import type { Grouping } from '../../../math/stats/groups.js';
import { Rng } from '../../../rng.js';
import { loadTrainableModel } from '../../../train/load.js';
import { loadInputs } from '../../load-inputs.js';
import type { MitigateFlags } from './method.js';
import { groupTables, protectedSpec } from './protected-grouping.js';

/** One side of the data: encoded inputs, binary labels (1 = the last class), groups and data row ids. */
export interface LabelledRows {
  readonly x: Tensor;
  readonly y: Uint8Array;
  readonly grouping: Grouping;
  readonly rowIds: Int32Array;
}

/** What the training methods work on: a Trainable binary classifier, training rows and held-out rows. */
export interface TrainingInputs {
  readonly model: Model & Trainable;
  readonly train: LabelledRows;
  readonly heldOut: LabelledRows;
  readonly protectedName: string;
  /** How the held-out rows were chosen. */
  readonly split: string;
  readonly describe: { readonly data: string; readonly model: string };
}

/** Fraction of the rows held out when the data has no split column (every training method of mitigate). */
export const HELD_OUT_FRACTION = 0.3;

function encodeRows(table: Table, encode: (t: Table) => Float32Array, width: number): Tensor {
  return { data: encode(table), shape: [table.nRows, width] };
}

/**
 * Loads --demo or --data/--model/--schema for fine-tuning: the model must be Trainable (a TF.js
 * LayersModel or an ONNX network) and a binary classifier; the schema's split (or a seeded 70/30 split
 * of the rows) gives training and held-out rows; --protected gives the groups. Every check runs before
 * any training.
 */
export async function loadTrainingInputs(flags: MitigateFlags, seed: number): Promise<TrainingInputs> {
  const given = flags.model !== undefined && flags.demo === undefined ? await loadTrainableModel(flags.model) : undefined;
  const inputs = await loadInputs(flags, { seed, ...(given ? { model: given } : {}) });
  const model = inputs.model;
  if (!isTrainable(model)) {
    await model.dispose?.();
    throw new GlassboxError('missing_capability', `${flags.model ?? `--demo ${flags.demo}`}: the model cannot be fine-tuned by glassbox.`, { argument: '--model', hint: 'Training methods need an ONNX network or a TF.js LayersModel; use --method threshold for other models.' });
  }
  const trainable = model as Model & Trainable;
  const fail = async (error: GlassboxError): Promise<never> => {
    await trainable.dispose?.();
    throw error;
  };
  if (trainable.task === 'regression' || trainable.outputWidth !== 2) {
    return fail(new GlassboxError('unsupported_model', `${flags.model ?? `--demo ${flags.demo}`}: mitigate's training methods need a binary classifier with two output columns; this model has ${trainable.outputWidth}.`, { argument: '--model', hint: 'Export the model with a two-class softmax (or one sigmoid unit).' }));
  }
  const encoder = inputs.encoder;
  if (!encoder) return fail(new GlassboxError('invalid_argument', `${flags.data ?? `--demo ${flags.demo}`}: mitigate equalises groups of tabular rows; this is image or text data.`, { argument: '--data' }));
  const encode = (t: Table): Float32Array => encoder.encode(rawMatrixFromTable(t, encoder.features));
  let trainTable: Table;
  let heldTable: Table;
  let split: string;
  if (inputs.train) {
    trainTable = inputs.train;
    heldTable = inputs.table;
    split = `the schema's split: ${inputs.train.nRows} training rows, ${inputs.table.nRows} held-out (test) rows`;
  } else {
    const order = new Rng(seed).permutation(inputs.table.nRows);
    const cut = Math.round(inputs.table.nRows * (1 - HELD_OUT_FRACTION));
    trainTable = takeRows(inputs.table, Int32Array.from(order.slice(0, cut)).sort());
    heldTable = takeRows(inputs.table, Int32Array.from(order.slice(cut)).sort());
    split = `no split column: a seeded (seed ${seed}) random ${Math.round(HELD_OUT_FRACTION * 100)}% of the rows held out (${heldTable.nRows} rows)`;
  }
  try {
    const spec = protectedSpec(flags.protected, inputs.all, inputs.schema);
    const [trainGroups, heldGroups] = groupTables(spec, [trainTable, heldTable]);
    const binary = (t: Table): Uint8Array => Uint8Array.from(labelsOf(t, inputs.schema), (c) => (c === 1 ? 1 : 0));
    const side = (t: Table, g: Grouping): LabelledRows => ({ x: encodeRows(t, encode, encoder.outputWidth), y: binary(t), grouping: g, rowIds: t.rowIds });
    return {
      model: trainable,
      train: side(trainTable, trainGroups!),
      heldOut: side(heldTable, heldGroups!),
      protectedName: spec.name,
      split,
      describe: { data: inputs.describe?.data ?? flags.data ?? '', model: inputs.describe?.model ?? flags.model ?? '' },
    };
  } catch (error) {
    await trainable.dispose?.();
    throw error;
  }
}
