import { GlassboxError } from '../errors.js';
import type { Task } from './model.js';

/** What a model's raw output holds: probabilities, logits, or unknown (detected from the values). */
export type OutputKind = 'auto' | 'probabilities' | 'logits';

/** Tolerance on a row sum for the values to count as probabilities in 'auto' mode. */
export const PROBABILITY_SUM_TOLERANCE = 1e-4;

export interface OutputTransformOptions {
  readonly task: Task;
  /** Columns per row in the model's raw output. */
  readonly rawWidth: number;
  readonly kind: OutputKind;
  /** Names the model in error messages (file or URL). */
  readonly source: string;
}

/**
 * Turns raw model outputs into the Model contract's outputs: probabilities with one column per class
 * (a single binary column p becomes [1 - p, p]), or regression values.
 *
 * Logits go through softmax (several columns) or the logistic sigmoid (one column), in float64,
 * rounded once to float32. In 'auto' mode the first rows seen decide: a row with a negative value or
 * a sum off 1 by more than 1e-4 (one column: a value outside [0, 1]) means logits, which is final.
 * Otherwise the output is taken as probabilities, and any later row that contradicts that is an error
 * (never a silently wrong number) whose hint names the `outputKind` override.
 */
export class OutputTransform {
  readonly outputWidth: number;
  readonly #task: Task;
  readonly #rawWidth: number;
  readonly #source: string;
  readonly #auto: boolean;
  #kind: 'probabilities' | 'logits' | undefined;

  constructor(options: OutputTransformOptions) {
    const { task, rawWidth, kind, source } = options;
    this.#task = task;
    this.#rawWidth = rawWidth;
    this.#source = source;
    this.#auto = kind === 'auto' && task !== 'regression';
    this.#kind = kind === 'auto' ? undefined : kind;
    this.outputWidth = checkWidths(task, rawWidth, source);
  }

  /** The resolved kind: undefined until 'auto' has seen output, 'probabilities' may still be contradicted. */
  get kind(): 'probabilities' | 'logits' | undefined {
    return this.#task === 'regression' ? undefined : this.#kind;
  }

  /** True when raw rows have the output's layout, so a model can write them straight into the result. */
  get inPlace(): boolean {
    return this.#rawWidth === this.outputWidth;
  }

  /**
   * Transforms `nRows` raw rows (row-major, rawWidth each) into rows [row0, row0 + nRows) of `out`.
   * Rows are numbered from `row0` in error messages.
   */
  write(raw: Float32Array, nRows: number, out: Float32Array, row0: number): void {
    if (raw.length !== nRows * this.#rawWidth) {
      throw new GlassboxError('model_error', `${this.#source}: the model returned ${raw.length} values for ${nRows} rows; expected ${nRows * this.#rawWidth} (${this.#rawWidth} per row)`, {
        hint: 'The output shape changed between calls; check the output name and the model.',
      });
    }
    if (this.inPlace) {
      out.set(raw, row0 * this.outputWidth);
      this.finishInPlace(out, row0, nRows);
      return;
    }
    checkFinite(raw, this.#rawWidth, row0, this.#source);
    if (this.#auto) this.#detect(raw, nRows, row0);
    writeBinary(raw, nRows, out, row0, this.#kind === 'logits');
  }

  /**
   * Finishes rows [row0, row0 + nRows) of `out` that already hold raw outputs (when `inPlace`):
   * checks them, detects the kind in 'auto' mode and applies softmax to logits, in place.
   */
  finishInPlace(out: Float32Array, row0: number, nRows: number): void {
    const w = this.outputWidth;
    const rows = out.subarray(row0 * w, (row0 + nRows) * w);
    checkFinite(rows, w, row0, this.#source);
    if (this.#task === 'regression') return;
    if (this.#auto) this.#detect(rows, nRows, row0);
    if (this.#kind === 'logits') softmaxRows(out, row0, nRows, w);
  }

  #detect(raw: Float32Array, nRows: number, row0: number): void {
    if (this.#kind === 'logits') return;
    const bad = firstNonProbabilityRow(raw, nRows, this.#rawWidth);
    if (bad < 0) {
      this.#kind ??= 'probabilities';
      return;
    }
    if (this.#kind === 'probabilities') {
      throw new GlassboxError('model_error', `${this.#source}: outputs looked like probabilities at first, but row ${row0 + bad} is not (${describeRow(raw, bad, this.#rawWidth)})`, {
        row: row0 + bad,
        hint: "Tell glassbox what the model outputs: outputKind 'logits' (softmax/sigmoid is applied) or 'probabilities' (used as is).",
      });
    }
    this.#kind = 'logits';
  }
}

function checkWidths(task: Task, rawWidth: number, source: string): number {
  const fail = (message: string, hint: string): never => {
    throw new GlassboxError('unsupported_model', `${source}: ${message}`, { hint });
  };
  if (!(Number.isInteger(rawWidth) && rawWidth >= 1)) fail(`the model output has ${rawWidth} columns`, 'The output must be [batch, columns].');
  if (task === 'regression') {
    if (rawWidth !== 1) fail(`a regression model must output one column, this one outputs ${rawWidth}`, "Pick the output with outputName, or set task 'multiclass' if it is a classifier.");
    return 1;
  }
  if (task === 'binary') {
    if (rawWidth > 2) fail(`a binary classifier outputs 1 or 2 columns, this one outputs ${rawWidth}`, "Set task 'multiclass' (and classes) for more than two classes.");
    return 2;
  }
  if (rawWidth < 2) fail('a multiclass classifier must output one column per class, this one outputs 1', "Set task 'binary' (one probability or logit column) or 'regression'.");
  return rawWidth;
}

function checkFinite(values: Float32Array, width: number, row0: number, source: string): void {
  // Fast path: a sum in four float64 lanes is finite iff every float32 value is.
  const n = values.length;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < n; k += 4) {
    s0 += values[k]!;
    s1 += values[k + 1]!;
    s2 += values[k + 2]!;
    s3 += values[k + 3]!;
  }
  for (; k < n; k++) s0 += values[k]!;
  if (Number.isFinite(s0 + s1 + s2 + s3)) return;
  for (k = 0; k < n; k++) {
    const v = values[k]!;
    if (v - v !== 0) {
      const row = row0 + Math.floor(k / width);
      throw new GlassboxError('model_error', `${source}: the model returned ${v} for row ${row}, output column ${k % width}`, {
        row,
        hint: 'Check the input row for extreme or missing values; a NaN output usually means NaN or overflowing inputs.',
      });
    }
  }
}

/** Index of the first row that is not a probability vector, or -1. */
function firstNonProbabilityRow(raw: Float32Array, nRows: number, width: number): number {
  for (let i = 0; i < nRows; i++) {
    let sum = 0;
    for (let c = 0; c < width; c++) {
      const v = raw[i * width + c]!;
      if (v < 0 || (width === 1 && v > 1)) return i;
      sum += v;
    }
    if (width > 1 && Math.abs(sum - 1) > PROBABILITY_SUM_TOLERANCE) return i;
  }
  return -1;
}

function describeRow(raw: Float32Array, row: number, width: number): string {
  const values = Array.from(raw.subarray(row * width, (row + 1) * width), (v) => v.toPrecision(6));
  return `[${values.join(', ')}]`;
}

function writeBinary(raw: Float32Array, nRows: number, out: Float32Array, row0: number, logits: boolean): void {
  for (let i = 0; i < nRows; i++) {
    const z = raw[i]!;
    const p = logits ? 1 / (1 + Math.exp(-z)) : z;
    out[(row0 + i) * 2] = 1 - p;
    out[(row0 + i) * 2 + 1] = p;
  }
}

/** Softmax of each row in place (float64 with the max subtracted, rounded once to float32). */
export function softmaxRows(values: Float32Array, row0: number, nRows: number, width: number): void {
  for (let i = row0; i < row0 + nRows; i++) {
    const base = i * width;
    let max = -Infinity;
    for (let c = 0; c < width; c++) max = Math.max(max, values[base + c]!);
    let sum = 0;
    for (let c = 0; c < width; c++) sum += Math.exp(values[base + c]! - max);
    for (let c = 0; c < width; c++) values[base + c] = Math.exp(values[base + c]! - max) / sum;
  }
}

/**
 * Task and class labels from the options and the raw output width: explicit values win; otherwise
 * one or two columns mean a binary classifier (classes "0", "1") and more mean multiclass ("0".."k-1").
 * A single-column regression model must say task 'regression'.
 */
export function resolveTask(options: { task?: Task; classes?: readonly string[] }, rawWidth: number | undefined, source: string): { task: Task; classes: readonly string[] } {
  const { classes } = options;
  const fail = (message: string, hint: string): never => {
    throw new GlassboxError('invalid_argument', `${source}: ${message}`, { argument: 'classes', hint });
  };
  if (classes !== undefined && new Set(classes).size !== classes.length) fail(`classes [${classes.join(', ')}] has duplicates`, 'Give each class label once, in output-column order.');
  const task = options.task ?? (classes !== undefined ? (classes.length === 0 ? 'regression' : classes.length === 2 ? 'binary' : 'multiclass') : (rawWidth ?? 2) <= 2 ? 'binary' : 'multiclass');
  if (task === 'regression') {
    if (classes !== undefined && classes.length > 0) fail('a regression model has no classes', 'Omit classes, or choose task binary/multiclass.');
    return { task, classes: [] };
  }
  if (task === 'binary') {
    const labels = classes ?? ['0', '1'];
    if (labels.length !== 2) fail(`a binary model needs 2 classes, got ${labels.length}`, 'Give [negative, positive] labels.');
    if (rawWidth !== undefined && rawWidth > 2) fail(`${labels.length} classes were given but the model outputs ${rawWidth} columns`, 'Give one class label per output column, in order (binary models output 1 or 2 columns).');
    return { task, classes: Object.freeze([...labels]) };
  }
  const width = rawWidth ?? classes?.length;
  if (width === undefined) return fail('a multiclass model needs its classes', 'Pass classes in output-column order.');
  const labels = classes ?? Array.from({ length: width }, (_, k) => String(k));
  if (labels.length < 2) fail('a multiclass model needs at least 2 classes', 'Pass classes in output-column order.');
  if (rawWidth !== undefined && labels.length !== rawWidth) fail(`${labels.length} classes were given but the model outputs ${rawWidth} columns`, 'Give one class label per output column, in order.');
  return { task, classes: Object.freeze([...labels]) };
}
