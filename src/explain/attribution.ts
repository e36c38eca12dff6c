/**
 * The result of every explainer: one immutable, JSON-serialisable value. Operations on it are free
 * functions (topK, meanAbs, …), not methods.
 */
export interface Attribution {
  readonly method: string;
  /** Row-major; shape is [rows, ...perRowShape] (tabular: [rows, features]; images: [rows, C, H, W]). */
  readonly values: Float64Array;
  readonly shape: readonly number[];
  /** Expected output over the background (or the baseline's output), one per row. */
  readonly baseValues: Float64Array;
  /** The model output being explained, one per row. */
  readonly outputs: Float64Array;
  readonly featureNames: readonly string[];
  /** Output column explained for each row. */
  readonly target: Int32Array;
  readonly options: Readonly<Record<string, unknown>>;
  readonly seed?: number;
  /** Completeness residual per row: Σ values − (output − base). */
  readonly delta?: Float64Array;
  /** Sampling standard error per value, same shape as values. */
  readonly stderr?: Float64Array;
  /** Method-specific per-row extras (LIME intercept and R², …). */
  readonly extras?: Readonly<Record<string, unknown>>;
}

export function valuesPerRow(attribution: Attribution): number {
  return attribution.values.length / Math.max(1, attribution.shape[0] ?? 1);
}

/** Values of one row as a subarray view. */
export function rowValues(attribution: Attribution, row: number): Float64Array {
  const width = valuesPerRow(attribution);
  return attribution.values.subarray(row * width, (row + 1) * width);
}

/** Mean absolute attribution per feature over all rows. */
export function meanAbs(attribution: Attribution): Float64Array {
  const rows = attribution.shape[0] ?? 0;
  const width = valuesPerRow(attribution);
  const out = new Float64Array(width);
  for (let r = 0; r < rows; r++) for (let j = 0; j < width; j++) out[j]! += Math.abs(attribution.values[r * width + j]!);
  for (let j = 0; j < width; j++) out[j]! /= Math.max(1, rows);
  return out;
}

/** Indices of the k largest |value| in one row, largest first. */
export function topK(attribution: Attribution, row: number, k: number): number[] {
  const values = rowValues(attribution, row);
  return Array.from(values.keys())
    .sort((a, b) => Math.abs(values[b]!) - Math.abs(values[a]!) || a - b)
    .slice(0, k);
}

export interface AttributionJson {
  method: string;
  shape: number[];
  values: number[];
  baseValues: number[];
  outputs: number[];
  featureNames: string[];
  target: number[];
  options: Record<string, unknown>;
  seed?: number;
  delta?: number[];
  stderr?: number[];
  extras?: Record<string, unknown>;
}

export function attributionToJson(a: Attribution): AttributionJson {
  return {
    method: a.method,
    shape: [...a.shape],
    values: Array.from(a.values),
    baseValues: Array.from(a.baseValues),
    outputs: Array.from(a.outputs),
    featureNames: [...a.featureNames],
    target: Array.from(a.target),
    options: { ...a.options },
    ...(a.seed === undefined ? {} : { seed: a.seed }),
    ...(a.delta ? { delta: Array.from(a.delta) } : {}),
    ...(a.stderr ? { stderr: Array.from(a.stderr) } : {}),
    ...(a.extras ? { extras: { ...a.extras } } : {}),
  };
}

export function attributionFromJson(json: AttributionJson): Attribution {
  return Object.freeze({
    method: json.method,
    shape: json.shape,
    values: Float64Array.from(json.values),
    baseValues: Float64Array.from(json.baseValues),
    outputs: Float64Array.from(json.outputs),
    featureNames: json.featureNames,
    target: Int32Array.from(json.target),
    options: json.options,
    ...(json.seed === undefined ? {} : { seed: json.seed }),
    ...(json.delta ? { delta: Float64Array.from(json.delta) } : {}),
    ...(json.stderr ? { stderr: Float64Array.from(json.stderr) } : {}),
    ...(json.extras ? { extras: json.extras } : {}),
  });
}
