import { GlassboxError, throwIfAborted } from '../errors.js';
import { checkInput, positiveInt, type DeclaredModelOptions } from './batch-predict.js';
import type { InputSpec, Model, PredictOptions } from './model.js';
import { OutputTransform, resolveTask } from './output-transform.js';
import type { Tensor } from './tensor.js';

/** A user prediction function: `nRows` rows, row-major, in; rows of scores out (row-major). */
export type PredictFunction = (x: Float32Array, nRows: number) => Float32Array | readonly number[] | Promise<Float32Array | readonly number[]>;

/** `outputKind` defaults to 'probabilities'; `batchSize` to all rows in one call. */
export interface FnModelOptions extends DeclaredModelOptions {
  readonly predict: PredictFunction;
  /** Columns the function returns per row; binary models may return 1 (P(positive)) or 2, found on the first call. */
  readonly outputColumns?: number;
  /** Names the model in errors (default "function model"). */
  readonly name?: string;
}

/**
 * Wraps a JS function as a glassbox Model. Each call's output is checked: its length (rows × columns),
 * finite values, and — for probabilities in 'auto' mode — the probability axioms. A single binary
 * column becomes [1 - p, p].
 */
export function fnModel(options: FnModelOptions): Model {
  const source = options.name ?? 'function model';
  if (typeof options.predict !== 'function') {
    throw new GlassboxError('invalid_argument', `${source}: "predict" must be a function (x: Float32Array, nRows: number) => scores`, { argument: 'predict' });
  }
  const inputShape = options.inputShape ?? (options.inputWidth !== undefined ? [options.inputWidth] : undefined);
  if (inputShape === undefined || inputShape.length === 0 || inputShape.some((d) => !(Number.isInteger(d) && d > 0))) {
    throw new GlassboxError('invalid_argument', `${source}: give inputWidth (values per row) or inputShape (non-batch dims) as positive integers`, { argument: 'inputWidth', hint: 'E.g. inputWidth: encoder.outputWidth.' });
  }
  const inputSpec: InputSpec = Object.freeze({ name: 'input', shape: Object.freeze([null, ...inputShape]), dtype: 'float32' as const });
  const columns = options.outputColumns === undefined ? undefined : positiveInt(options.outputColumns, 1, 'outputColumns', source);
  const { task, classes } = resolveTask(options, columns, source);
  const batchSize = options.batchSize === undefined ? Infinity : positiveInt(options.batchSize, 1, 'batchSize', source);
  const kind = options.outputKind ?? 'probabilities';
  const fixedWidth = columns ?? (task === 'regression' ? 1 : task === 'multiclass' ? classes.length : undefined);
  let transform = fixedWidth === undefined ? undefined : new OutputTransform({ task, rawWidth: fixedWidth, kind, source });
  const outputWidth = task === 'regression' ? 1 : classes.length;

  const call = async (x: Float32Array, n: number, row0: number): Promise<Float32Array> => {
    let result: Float32Array | readonly number[];
    try {
      result = await options.predict(x, n);
    } catch (cause) {
      throw new GlassboxError('model_error', `${source}: the predict function threw on rows ${row0}..${row0 + n - 1}: ${(cause as Error)?.message ?? String(cause)}`, { row: row0 }, { cause });
    }
    if (!(result instanceof Float32Array) && !Array.isArray(result)) {
      throw new GlassboxError('model_error', `${source}: the predict function returned ${typeof result}, not a Float32Array or number[]`, { hint: 'Return the scores of all rows, row-major.' });
    }
    const values = result instanceof Float32Array ? result : Float32Array.from(result as readonly number[]);
    transform ??= new OutputTransform({ task, rawWidth: values.length === n ? 1 : 2, kind, source });
    return values;
  };

  return Object.freeze({
    task,
    classes,
    inputSpec,
    outputWidth,
    async predict(x: Tensor, predictOptions: PredictOptions = {}): Promise<Float32Array> {
      const { nRows, rowSize } = checkInput(x, inputSpec, source);
      const out = new Float32Array(nRows * outputWidth);
      for (let start = 0; start < nRows; start += batchSize) {
        throwIfAborted(predictOptions.signal);
        const end = Math.min(nRows, start + batchSize);
        const values = await call(x.data.subarray(start * rowSize, end * rowSize), end - start, start);
        transform!.write(values, end - start, out, start);
      }
      return out;
    },
  });
}
