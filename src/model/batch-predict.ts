import { GlassboxError, throwIfAborted } from '../errors.js';
import type { InputSpec, Task } from './model.js';
import type { OutputKind } from './output-transform.js';
import type { Tensor } from './tensor.js';

/** Values per row that an input spec fixes (product of its non-batch dims), or undefined if dynamic. */
export function specRowSize(spec: InputSpec): number | undefined {
  let size = 1;
  for (let d = 1; d < spec.shape.length; d++) {
    const dim = spec.shape[d];
    if (typeof dim !== 'number') return undefined;
    size *= dim;
  }
  return size;
}

/**
 * Checks a predict() input against the model's input spec before any work: consistent data length,
 * and the values per row the model expects (a tensor of another rank with the same row size is
 * accepted, e.g. [n, 784] for [n, 1, 28, 28]). Returns the row count and row size.
 */
export function checkInput(x: Tensor, spec: InputSpec, source: string): { nRows: number; rowSize: number } {
  const shape = x.shape;
  const nRows = shape[0];
  if (shape.length < 1 || nRows === undefined || !Number.isInteger(nRows) || nRows < 0) {
    throw new GlassboxError('shape_mismatch', `${source}: the input tensor has shape [${shape.join(', ')}]; a batch-major shape [rows, …] is needed`, { argument: 'x' });
  }
  let rowSize = 1;
  for (let d = 1; d < shape.length; d++) rowSize *= shape[d]!;
  if (x.data.length !== nRows * rowSize) {
    throw new GlassboxError('shape_mismatch', `${source}: the input has ${x.data.length} values but its shape [${shape.join(', ')}] needs ${nRows * rowSize}`, { argument: 'x' });
  }
  const expected = specRowSize(spec);
  if (expected !== undefined && expected !== rowSize) {
    const dims = spec.shape.map((d) => (d === null ? 'batch' : String(d))).join(', ');
    throw new GlassboxError('shape_mismatch', `${source}: input "${spec.name}" expects ${expected} values per row ([${dims}]) but was given ${rowSize} ([${shape.join(', ')}])`, {
      argument: 'x',
      hint: 'Encode the rows with the encoder the model was trained with (its outputWidth must equal the model input width).',
    });
  }
  return { nRows, rowSize };
}

/**
 * Runs `work(start, end)` over [0, nRows) in batches of `batchSize`, at most `concurrency` at a time,
 * checking `signal` before each batch. The first failure stops new batches and is rethrown.
 */
export async function forEachBatch(
  nRows: number,
  batchSize: number,
  concurrency: number,
  signal: AbortSignal | undefined,
  work: (start: number, end: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < nRows) {
      throwIfAborted(signal);
      const start = next;
      const end = Math.min(nRows, start + batchSize);
      next = end;
      try {
        await work(start, end);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  if (concurrency <= 1) return worker();
  const workers = Array.from({ length: Math.min(concurrency, Math.ceil(nRows / batchSize)) }, worker);
  const results = await Promise.allSettled(workers);
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
}

/** Validates a positive integer option, naming it in the error. */
export function positiveInt(value: number | undefined, fallback: number, name: string, source: string): number {
  if (value === undefined) return fallback;
  if (!(Number.isInteger(value) && value >= 1)) {
    throw new GlassboxError('invalid_argument', `${source}: ${name} must be a positive integer, got ${value}`, { argument: name });
  }
  return value;
}

/** What an adapter without its own metadata (a JS function, an HTTP endpoint) needs told about the model. */
export interface DeclaredModelOptions {
  readonly task?: Task;
  /** Class labels in output-column order (binary default ["0", "1"]). */
  readonly classes?: readonly string[];
  /** Values per input row (for a flat input); or give `inputShape`. */
  readonly inputWidth?: number;
  /** Non-batch input dims, e.g. [1, 28, 28]. */
  readonly inputShape?: readonly number[];
  /** What the model returns: probabilities, logits (softmax/sigmoid applied), or 'auto' where supported. */
  readonly outputKind?: OutputKind;
  /** Rows per call or request. */
  readonly batchSize?: number;
}
