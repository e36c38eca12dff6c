import { labelsOf } from '../../../data/schema-helpers.js';
import type { Table } from '../../../data/table.js';
import { rawMatrixFromTable } from '../../../encode/raw-matrix.js';
import { GlassboxError } from '../../../errors.js';
import type { Tensor } from '../../../model/tensor.js';
import type { LoadedInputs } from '../../load-inputs.js';

/** Model-input tensors for the audited rows (and the training rows when known), with labels when the data has them. */
export interface ModelInputs {
  readonly x: Tensor;
  readonly rowIds: Int32Array;
  readonly labels?: Int32Array;
  readonly trainX?: Tensor;
}

function encode(inputs: LoadedInputs, table: Table): Tensor {
  const encoder = inputs.encoder!;
  return { data: encoder.encode(rawMatrixFromTable(table, encoder.features)), shape: [table.nRows, encoder.outputWidth] };
}

/** The tensors the model reads: images/text demos carry them, tabular rows are encoded here. */
export function modelInputs(inputs: LoadedInputs): ModelInputs {
  let x = inputs.x;
  let trainX = inputs.trainX;
  if (!x) {
    if (!inputs.encoder) throw new GlassboxError('invalid_argument', 'These inputs have no model-input tensor (text models are not supported here)', { argument: '--data', hint: 'Use tabular data with a schema or --preprocess, or images (.npy / a folder).' });
    x = encode(inputs, inputs.table);
    if (inputs.train) trainX = encode(inputs, inputs.train);
  }
  let labels: Int32Array | undefined;
  try {
    labels = inputs.schema.target && inputs.schema.target.task !== 'regression' ? labelsOf(inputs.table, inputs.schema) : undefined;
  } catch {
    labels = undefined;
  }
  return { x, rowIds: inputs.table.rowIds, ...(labels ? { labels } : {}), ...(trainX ? { trainX } : {}) };
}
