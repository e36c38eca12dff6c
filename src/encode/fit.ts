import type { FeatureSpec } from '../data/schema.js';
import { GlassboxError } from '../errors.js';
import { badCode, badNumber, declarativeEncoder, type DeclarativeEncoder } from './declarative.js';
import type { RawMatrix } from './encoder.js';
import { ENCODER_FORMAT, type EncoderStep } from './spec.js';

export type NumericEncoding = 'standardize' | 'minmax' | 'passthrough';
export type CategoricalEncoding = 'onehot' | 'ordinal';

export interface FitEncoderOptions {
  /** How numeric features are encoded (default 'standardize'). */
  readonly numeric?: NumericEncoding;
  /** How categorical features are encoded (default 'onehot'). */
  readonly categorical?: CategoricalEncoding;
  /** Per-feature override of the two defaults above, by feature name. */
  readonly perFeature?: Readonly<Record<string, NumericEncoding | CategoricalEncoding>>;
  /** Rows of `raw` to fit on (the training split); all rows when omitted. */
  readonly rows?: Int32Array | readonly number[];
  /**
   * 'ignore': categorical codes may be NaN (unknown categories let through by `conformCategories`),
   * and the categorical steps get `handle_unknown: "ignore"`. Default 'error'.
   */
  readonly handleUnknown?: 'error' | 'ignore';
}

const numericKinds = new Set<string>(['standardize', 'minmax', 'passthrough']);
const categoricalKinds = new Set<string>(['onehot', 'ordinal']);

/**
 * Fits a declarative encoder on training rows, as scikit-learn's StandardScaler / MinMaxScaler /
 * OneHotEncoder would: mean and population std (ddof = 0) in float64, min and max, categories from the
 * feature spec (codes in `raw` index them). A zero std or range is replaced by 1, as scikit-learn does.
 * The result saves with `encoderToJson`.
 */
export function fitEncoder(raw: RawMatrix, features: readonly FeatureSpec[], options: FitEncoderOptions = {}): DeclarativeEncoder {
  if (raw.nFeatures !== features.length) {
    throw new GlassboxError('shape_mismatch', `fitEncoder: the raw matrix has ${raw.nFeatures} columns but ${features.length} features were given`, {
      argument: 'features',
      hint: 'Pass one feature spec per raw-matrix column, in column order.',
    });
  }
  const rows = options.rows ?? null;
  const nFit = rows === null ? raw.nRows : rows.length;
  if (nFit === 0) throw new GlassboxError('invalid_input', 'fitEncoder: no rows to fit on', { argument: 'rows', hint: 'Pass the training rows.' });
  if (rows !== null) checkRowIndices(rows, raw.nRows);
  const steps = features.map((feature, j): EncoderStep => {
    const kind = chooseKind(feature, options);
    if (kind === 'onehot' || kind === 'ordinal') {
      const categories = [...(feature.categories ?? [])];
      const ignore = options.handleUnknown === 'ignore';
      checkCodes(raw, j, rows, feature.name, categories.length, ignore);
      return ignore ? { column: feature.name, kind, categories, handle_unknown: 'ignore' } : { column: feature.name, kind, categories };
    }
    if (kind === 'passthrough') {
      columnStats(raw, j, rows, feature.name);
      return { column: feature.name, kind };
    }
    const stats = columnStats(raw, j, rows, feature.name);
    return kind === 'standardize'
      ? { column: feature.name, kind, mean: stats.mean, std: stats.std > 0 ? stats.std : 1 }
      : { column: feature.name, kind, min: stats.min, max: stats.max };
  });
  return declarativeEncoder({ format: ENCODER_FORMAT, steps }, 'fitEncoder');
}

function chooseKind(feature: FeatureSpec, options: FitEncoderOptions): NumericEncoding | CategoricalEncoding {
  const override = options.perFeature?.[feature.name];
  if (feature.type === 'numeric') {
    const kind = override ?? options.numeric ?? 'standardize';
    if (!numericKinds.has(kind)) throw wrongKind(feature.name, kind, 'numeric', 'standardize, minmax or passthrough');
    return kind;
  }
  if (feature.type === 'categorical') {
    const kind = override ?? options.categorical ?? 'onehot';
    if (!categoricalKinds.has(kind)) throw wrongKind(feature.name, kind, 'categorical', 'onehot or ordinal');
    if (!feature.categories || feature.categories.length === 0) {
      throw new GlassboxError('invalid_input', `fitEncoder: categorical feature "${feature.name}" has no category list`, {
        column: feature.name,
        hint: 'Give the categories in the schema; the raw matrix holds codes into that list.',
      });
    }
    return kind;
  }
  throw new GlassboxError('invalid_input', `fitEncoder: feature "${feature.name}" has type ${feature.type}, which a tabular encoder cannot encode`, {
    column: feature.name,
    hint: 'Tabular encoders take numeric and categorical features; drop text/image columns from the feature list or use a function encoder.',
  });
}

function wrongKind(name: string, kind: string, type: string, allowed: string): GlassboxError {
  return new GlassboxError('invalid_argument', `fitEncoder: encoding "${kind}" does not apply to ${type} feature "${name}"`, {
    column: name,
    argument: 'perFeature',
    hint: `Use ${allowed} for ${type} features.`,
  });
}

/** Mean, population std (ddof = 0; two passes), min and max of column j over the fitting rows. */
function columnStats(raw: RawMatrix, j: number, rows: Int32Array | readonly number[] | null, name: string): { mean: number; std: number; min: number; max: number } {
  const { data, nFeatures } = raw;
  const n = rows === null ? raw.nRows : rows.length;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let r = 0; r < n; r++) {
    const i = rows === null ? r : rows[r]!;
    const x = data[i * nFeatures + j]!;
    if (!Number.isFinite(x)) throw badNumber(name, i, x);
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = sum / n;
  let squares = 0;
  for (let r = 0; r < n; r++) {
    const d = data[(rows === null ? r : rows[r]!) * nFeatures + j]! - mean;
    squares += d * d;
  }
  return { mean, std: Math.sqrt(squares / n), min, max };
}

function checkCodes(raw: RawMatrix, j: number, rows: Int32Array | readonly number[] | null, name: string, k: number, allowNaN: boolean): void {
  const n = rows === null ? raw.nRows : rows.length;
  for (let r = 0; r < n; r++) {
    const i = rows === null ? r : rows[r]!;
    const code = raw.data[i * raw.nFeatures + j]!;
    if (allowNaN && Number.isNaN(code)) continue;
    if (!(code >= 0 && code < k && Number.isInteger(code))) throw badCode(name, i, code, k);
  }
}

function checkRowIndices(rows: Int32Array | readonly number[], nRows: number): void {
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    if (!(Number.isInteger(i) && i >= 0 && i < nRows)) {
      throw new GlassboxError('invalid_argument', `fitEncoder: rows[${r}] = ${i} is not a row index of the ${nRows}-row raw matrix`, { argument: 'rows', hint: 'Pass 0-based indices of training rows.' });
    }
  }
}
