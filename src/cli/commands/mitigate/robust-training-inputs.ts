import { GlassboxError } from '../../../errors.js';
import { labelsOf } from '../../../data/schema-helpers.js';
import type { Table } from '../../../data/table.js';
import type { Encoder } from '../../../encode/encoder.js';
import { rawMatrixFromTable } from '../../../encode/raw-matrix.js';
import { isTrainable, type Trainable } from '../../../model/capabilities.js';
import type { Model } from '../../../model/model.js';
import { gatherRows, rowSize, type Tensor } from '../../../model/tensor.js';
import { tabularBounds, uniformBounds, type InputBounds } from '../../../robust/attacks/bounds.js';
import { Rng } from '../../../rng.js';
import { loadTrainableModel } from '../../../train/load.js';
import { loadInputs } from '../../load-inputs.js';
import { parseClip } from '../attack/inputs.js';
import type { MitigateFlags } from './method.js';
import { HELD_OUT_FRACTION } from './training-inputs.js';

/** Rows in the model input layout with their class indices and 0-based data row ids. */
export interface ClassRows {
  readonly x: Tensor;
  readonly labels: Int32Array;
  readonly rowIds: Int32Array;
}

/** What adversarial training works on: a Trainable classifier, training and held-out rows, attack bounds. */
export interface RobustTrainingInputs {
  readonly model: Model & Trainable;
  readonly train: ClassRows;
  readonly heldOut: ClassRows;
  /** How the held-out rows were chosen, in words. */
  readonly split: string;
  readonly bounds: InputBounds;
  readonly boundsNote: string;
  readonly describe: { readonly data: string; readonly model: string };
}

function classRows(table: Table, x: Tensor, labelsAll: Int32Array, rows?: Int32Array): ClassRows {
  const pick = rows ?? Int32Array.from({ length: table.nRows }, (_, i) => i);
  const labels = Int32Array.from(pick, (r) => labelsAll[r]!);
  const missing = labels.findIndex((y) => y < 0);
  if (missing >= 0) {
    const row = table.rowIds[pick[missing]!]!;
    throw new GlassboxError('invalid_input', `data row ${row} has no label.`, { row, argument: '--labels', hint: 'Drop unlabelled rows or give their labels.' });
  }
  return { x: rows ? gatherRows(x, rows) : x, labels, rowIds: Int32Array.from(pick, (r) => table.rowIds[r]!) };
}

function encodeTable(encoder: Encoder, table: Table): Tensor {
  return { data: encoder.encode(rawMatrixFromTable(table, encoder.features)), shape: [table.nRows, encoder.outputWidth] };
}

/**
 * Loads --demo or --model with --data (x.npy with --labels, an image folder, or tabular data with its
 * schema/encoder) for adversarial fine-tuning: the model must be Trainable (ONNX network or TF.js
 * LayersModel) and a classifier. The split column (demos: their test split) gives the held-out rows,
 * else a seeded 30% of the rows. Bounds: --clip (default [0, 1]) for images; for tabular data each
 * numeric input column's range over all rows, one-hot columns frozen. Everything is checked before training.
 */
export async function loadRobustTrainingInputs(flags: MitigateFlags, seed: number): Promise<RobustTrainingInputs> {
  const clip = parseClip(flags.clip as string | undefined);
  const given = flags.model !== undefined && flags.demo === undefined ? await loadTrainableModel(flags.model) : undefined;
  const inputs = await loadInputs(flags, { seed, ...(given ? { model: given } : {}) });
  const model = inputs.model;
  const name = flags.model ?? `--demo ${flags.demo}`;
  try {
    if (!isTrainable(model)) throw new GlassboxError('missing_capability', `${name}: the model cannot be fine-tuned by glassbox.`, { argument: '--model', hint: 'Adversarial training needs an ONNX network or a TF.js LayersModel.' });
    if (model.task === 'regression') throw new GlassboxError('unsupported_model', `${name}: adversarial training needs a classifier; this is a regression model.`, { argument: '--model' });
    if (inputs.text) throw new GlassboxError('unsupported_model', `${name}: adversarial training moves continuous inputs; this is a text model over word counts.`, { argument: '--demo', hint: 'Use glassbox invariance for text perturbations.' });
    const encoder = inputs.encoder;
    const all = encoder ? encodeTable(encoder, inputs.table) : inputs.x;
    if (!all) throw new GlassboxError('invalid_input', 'No model input could be built from the data.', { argument: '--data' });
    const labelsAll = labelsOf(inputs.table, inputs.schema);
    let train: ClassRows;
    let heldOut: ClassRows;
    let split: string;
    const trainX = inputs.train ? (encoder ? encodeTable(encoder, inputs.train) : inputs.trainX) : undefined;
    if (inputs.train && trainX) {
      train = classRows(inputs.train, trainX, labelsOf(inputs.train, inputs.schema));
      heldOut = classRows(inputs.table, all, labelsAll);
      split = `the test rows of the ${flags.demo ? "demo's" : "schema's"} split`;
    } else {
      const order = new Rng(seed).permutation(inputs.table.nRows);
      const cut = Math.round(inputs.table.nRows * (1 - HELD_OUT_FRACTION));
      train = classRows(inputs.table, all, labelsAll, Int32Array.from(order.subarray(0, cut)).sort());
      heldOut = classRows(inputs.table, all, labelsAll, Int32Array.from(order.subarray(cut)).sort());
      split = `a seeded (seed ${seed}) random ${Math.round(HELD_OUT_FRACTION * 100)}% of the rows, as the data has no split`;
    }
    let bounds: InputBounds;
    let boundsNote: string;
    if (encoder && !clip) {
      const reference = new Float32Array(train.x.data.length + heldOut.x.data.length);
      reference.set(train.x.data);
      reference.set(heldOut.x.data, train.x.data.length);
      bounds = tabularBounds(encoder.features, reference, encoder.outputWidth);
      boundsNote = 'numeric input columns within their range in the training and held-out rows; categorical one-hot columns frozen';
    } else {
      const [lo, hi] = clip ?? [0, 1];
      bounds = uniformBounds(rowSize(all.shape), lo, hi);
      boundsNote = `every input element clipped to [${lo}, ${hi}]${clip ? ' (--clip)' : ' (default for images)'}`;
    }
    return { model: model as Model & Trainable, train, heldOut, split, bounds, boundsNote, describe: { data: inputs.describe?.data ?? flags.data ?? '', model: inputs.describe?.model ?? flags.model ?? '' } };
  } catch (error) {
    await model.dispose?.();
    throw error;
  }
}
