import { GlassboxError } from '../../../errors.js';
import { labelsOf } from '../../../data/schema-helpers.js';
import type { Schema } from '../../../data/schema.js';
import type { Table } from '../../../data/table.js';
import type { Encoder } from '../../../encode/encoder.js';
import { rawMatrixFromTable } from '../../../encode/raw-matrix.js';
import type { Model } from '../../../model/model.js';
import { gatherRows, rowSize, type Tensor } from '../../../model/tensor.js';
import { classGrouping, numericColumnGroupings, tabularBounds, uniformBounds, type InputBounds, type RowGrouping } from '../../../robust/attacks/public.js';
import { isImageData } from '../../input-kind.js';
import { loadInputs, type InputFlags } from '../../load-inputs.js';
import { selectDemoRows, selectRows } from '../../options.js';

export interface AttackInputFlags extends InputFlags {
  clip?: string;
  perturbCategorical?: boolean;
  rows?: string;
}

/** What the attack command works on: model inputs (selected rows), labels, bounds and groupings. */
export interface AttackInputs {
  readonly model: Model;
  readonly x: Tensor;
  readonly labels: Int32Array;
  readonly rowIds: Int32Array;
  readonly bounds: InputBounds;
  /** How the bounds were chosen, in words (recorded in the JSON). */
  readonly boundsNote: string;
  readonly clip?: readonly [number, number];
  readonly groupings: readonly RowGrouping[];
  readonly tabular: boolean;
  readonly describe: { readonly data: string; readonly model: string };
}

/** `--clip min,max`: the valid input range of an attack (undefined when absent). */
export function parseClip(value: string | undefined): [number, number] | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(',').map((s) => Number(s.trim()));
  if (parts.length !== 2 || !parts.every(Number.isFinite) || !(parts[0]! < parts[1]!)) {
    throw new GlassboxError('invalid_argument', `--clip must be "min,max" with min < max; got "${value}".`, { argument: '--clip', hint: 'e.g. --clip 0,1 or --clip -1,1' });
  }
  return [parts[0]!, parts[1]!];
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function encodeTable(encoder: Encoder, table: Table): Float32Array {
  return encoder.encode(rawMatrixFromTable(table, encoder.features));
}

/** Categorical raw features as row groupings (their codes), for the vulnerable-slices table. */
function categoricalGroupings(encoder: Encoder, table: Table): RowGrouping[] {
  const raw = rawMatrixFromTable(table, encoder.features);
  return encoder.features.flatMap((f, k) => {
    if (f.type !== 'categorical' || !f.categories) return [];
    const codes = Int32Array.from({ length: raw.nRows }, (_, i) => {
      const v = raw.data[i * raw.nFeatures + k]!;
      return Number.isNaN(v) ? -1 : v;
    });
    return [{ name: f.name, codes, values: f.categories }];
  });
}

/** Numeric metadata beside images (brightness, contrast, a demo's ink) as quartile slices. */
function numericSlices(table: Table, schema: Schema, rows: Int32Array): RowGrouping[] {
  return numericColumnGroupings(table, rows, new Set([schema.target?.name, schema.split?.column, 'image_id'].filter((n): n is string => n !== undefined)));
}

/** ONNX files load through the gradient adapter (onnxruntime computes the loss gradients). */
async function gradientModel(location: string | undefined): Promise<Model | undefined> {
  if (!location?.toLowerCase().endsWith('.onnx')) return undefined;
  const { loadOnnxGradModel } = await import('../../../model/onnx-grad/load.js');
  return loadOnnxGradModel(location);
}

/**
 * Loads --demo, image data (x.npy with --labels, or a folder) or tabular data with its encoder, and
 * picks the bounds: --clip (default [0, 1]) for images; for tabular models each numeric input column's
 * range over the training and audited rows, one-hot columns frozen.
 */
export async function loadAttackInputs(flags: AttackInputFlags, seed: number): Promise<AttackInputs> {
  const clip = parseClip(flags.clip);
  const image = !flags.demo && flags.data !== undefined && isImageData(flags.data);
  const preloaded = image ? undefined : await gradientModel(flags.model);
  const inputs = await loadInputs(flags, { seed, ...(preloaded ? { model: preloaded } : {}) });
  try {
    if (inputs.text) throw new GlassboxError('unsupported_model', 'Gradient attacks move continuous inputs; this is a text model over word counts.', { argument: '--demo', hint: 'Use glassbox invariance for text perturbations.' });
    const encoder = inputs.encoder;
    const all = encoder ? { data: encodeTable(encoder, inputs.table), shape: [inputs.table.nRows, encoder.outputWidth] } : inputs.x;
    if (!all) throw new GlassboxError('invalid_input', 'No model input could be built from the data.', { argument: '--data' });
    // a demo has no input file: --rows counts its audited (test) rows, as in explain
    const rows = flags.demo ? selectDemoRows(inputs.table.nRows, flags.rows) : selectRows(inputs.table, flags.rows);
    const x = gatherRows(all, rows);
    const labelsAll = labelsOf(inputs.table, inputs.schema);
    const labels = Int32Array.from(rows, (r) => labelsAll[r]!);
    const missing = labels.findIndex((y) => y < 0);
    if (missing >= 0) throw new GlassboxError('invalid_input', `data row ${inputs.table.rowIds[rows[missing]!]} has no label.`, { row: inputs.table.rowIds[rows[missing]!]!, argument: '--labels', hint: 'Drop unlabelled rows or give their labels.' });
    const rowIds = Int32Array.from(rows, (r) => inputs.table.rowIds[r]!);
    const classes = inputs.model.classes;
    const groupings: RowGrouping[] = [classGrouping(labels, classes)];
    let bounds: InputBounds;
    let boundsNote: string;
    if (encoder && !clip) {
      // the audited rows too: a test row outside the training range must not be refused or moved by the clip alone
      const reference = inputs.train ? concat(encodeTable(encoder, inputs.train), all.data) : all.data;
      bounds = tabularBounds(encoder.features, reference, encoder.outputWidth, { perturbCategorical: flags.perturbCategorical === true });
      boundsNote = `numeric input columns within their range in the ${inputs.train ? 'training and audited' : 'audited'} rows; categorical one-hot columns ${flags.perturbCategorical ? 'within [0, 1] (--perturb-categorical)' : 'frozen'}`;
      const picked = categoricalGroupings(encoder, inputs.table).map((g) => ({ ...g, codes: Int32Array.from(rows, (r) => g.codes[r]!) }));
      groupings.push(...picked);
    } else {
      groupings.push(...numericSlices(inputs.table, inputs.schema, rows));
      const [lo, hi] = clip ?? [0, 1];
      bounds = uniformBounds(rowSize(x.shape), lo, hi);
      boundsNote = `every input element clipped to [${lo}, ${hi}]${clip ? ' (--clip)' : ' (default for images)'}`;
    }
    return { model: inputs.model, x, labels, rowIds, bounds, boundsNote, ...(clip ? { clip } : {}), groupings, tabular: encoder !== undefined, describe: { data: inputs.describe?.data ?? flags.data ?? '', model: inputs.describe?.model ?? flags.model ?? '' } };
  } catch (error) {
    await inputs.model.dispose?.();
    throw error;
  }
}
