import { throwIfAborted } from '../../errors.js';
import type { Tensor } from '../../model/tensor.js';
import { gradientsOf, type GradientModel, type OutputSpace } from './common.js';

export interface PathPoint {
  /** Row whose attribution this point contributes to. */
  readonly row: number;
  /** Path start (baseline) row, rowSize values, and path end (input). */
  readonly from: Float32Array;
  readonly to: Float32Array;
  readonly alpha: number;
  /** Weight of the gradient at this point in the row's accumulated gradient. */
  readonly weight: number;
}

export interface PathRun {
  readonly model: GradientModel;
  readonly shape: readonly number[];
  readonly nRows: number;
  readonly rowSize: number;
  readonly target: Int32Array;
  readonly output: OutputSpace;
  /** Points per model call: bounds memory to internalBatchSize × row size. */
  readonly internalBatchSize: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
  readonly guided?: boolean;
}

/**
 * Evaluates gradients at many points `from + α (to − from)` in batches of `internalBatchSize` and
 * returns Σ weight · gradient per row (float64, [rows × rowSize]). Points come from a generator so
 * that no more than one batch of inputs exists at a time.
 */
export async function accumulateGradients(run: PathRun, points: Iterable<PathPoint>, total: number): Promise<Float64Array> {
  const { rowSize, internalBatchSize: batch } = run;
  const acc = new Float64Array(run.nRows * rowSize);
  const input = new Float32Array(batch * rowSize);
  const targets = new Int32Array(batch);
  const rows = new Int32Array(batch);
  const weights = new Float64Array(batch);
  let filled = 0;
  let done = 0;
  const flush = async (): Promise<void> => {
    if (filled === 0) return;
    throwIfAborted(run.signal);
    const x: Tensor = { data: input.subarray(0, filled * rowSize), shape: [filled, ...run.shape.slice(1)] };
    const g = await gradientsOf(run.model, x, targets.subarray(0, filled), run.output, { ...(run.signal ? { signal: run.signal } : {}), guided: run.guided === true });
    for (let p = 0; p < filled; p++) {
      const base = rows[p]! * rowSize;
      const w = weights[p]!;
      const off = p * rowSize;
      for (let j = 0; j < rowSize; j++) acc[base + j]! += w * g[off + j]!;
    }
    done += filled;
    run.onProgress?.(done, total);
    filled = 0;
  };
  for (const pt of points) {
    const off = filled * rowSize;
    const a = pt.alpha;
    for (let j = 0; j < rowSize; j++) input[off + j] = pt.from[j]! + a * (pt.to[j]! - pt.from[j]!);
    targets[filled] = run.target[pt.row]!;
    rows[filled] = pt.row;
    weights[filled] = pt.weight;
    filled++;
    if (filled === batch) await flush();
  }
  await flush();
  return acc;
}
