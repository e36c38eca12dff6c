import { throwIfAborted } from '../../errors.js';
import type { RawMatrix } from '../../encode/encoder.js';
import type { Pipeline } from '../../model/pipeline.js';

/** Rows encoded and sent to the model per call: large enough to amortise the call, bounded in memory. */
const BATCH_ROWS = 8192;

/**
 * Model outputs for raw rows through the pipeline's encoder, in batches of BATCH_ROWS encoded into one
 * reused buffer: writes column `target` of the outputs into `out` (one value per row). Used for LIME's
 * samples, where only the explained class is needed and no per-row buffer should be allocated.
 */
export class TargetPredictor {
  private encoded: Float32Array;
  private readonly inputWidth: number;

  constructor(private readonly pipe: Pipeline) {
    this.inputWidth = pipe.encoder.outputWidth;
    this.encoded = new Float32Array(0);
  }

  async predict(raw: RawMatrix, target: number, out: Float64Array, signal?: AbortSignal): Promise<void> {
    const width = this.pipe.model.outputWidth;
    const f = raw.nFeatures;
    for (let start = 0; start < raw.nRows; start += BATCH_ROWS) {
      throwIfAborted(signal);
      const rows = Math.min(BATCH_ROWS, raw.nRows - start);
      const size = rows * this.inputWidth;
      if (this.encoded.length < size) this.encoded = new Float32Array(size);
      const encoded = this.pipe.encoder.encode({ data: raw.data.subarray(start * f, (start + rows) * f), nRows: rows, nFeatures: f }, this.encoded.subarray(0, size));
      const y = await this.pipe.model.predict({ data: encoded.subarray(0, size), shape: [rows, this.inputWidth] }, signal ? { signal } : undefined);
      for (let i = 0; i < rows; i++) out[start + i] = y[i * width + target]!;
    }
  }

  /** All output columns for a few rows (the explained rows), as float64. */
  async predictAll(raw: RawMatrix, signal?: AbortSignal): Promise<Float64Array> {
    throwIfAborted(signal);
    const y = await this.pipe.model.predict({ data: this.pipe.encoder.encode(raw), shape: [raw.nRows, this.inputWidth] }, signal ? { signal } : undefined);
    return Float64Array.from(y);
  }
}
