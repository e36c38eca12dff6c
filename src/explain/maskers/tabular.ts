import { throwIfAborted } from '../../errors.js';
import type { RawMatrix } from '../../encode/encoder.js';
import type { Pipeline } from '../../model/pipeline.js';

/** Rows per model call: large enough to amortise the call, small enough to stay in cache. */
export const DEFAULT_BATCH_ROWS = 8192;

/**
 * The interventional ("independent") masker over a background set, as shap's `maskers.Independent`:
 * the value of coalition S for an explained row x is v(S) = (1/N) Σ_b f(z_b) with z_b,j = x_j when
 * j ∈ S or j is not a player, and b_j otherwise. Masked rows are built in RawMatrix space (a raw
 * feature is one player, so a one-hot block moves as one), encoded into a reused buffer and
 * evaluated in large batches.
 */
export class TabularMasker {
  readonly outputWidth: number;
  readonly nFeatures: number;
  readonly nBackground: number;
  private readonly raw: Float64Array;
  private readonly encoded: Float32Array;
  private readonly masksPerBatch: number;
  /** The background rows (nBackground × nFeatures). */
  get backgroundData(): Float64Array {
    return this.background.data;
  }

  /** Model rows evaluated so far (for benchmarks: model share of time). */
  modelRows = 0;
  modelMillis = 0;

  constructor(
    private readonly pipeline: Pipeline,
    private readonly background: RawMatrix,
    batchRows = DEFAULT_BATCH_ROWS,
  ) {
    this.outputWidth = pipeline.model.outputWidth;
    this.nFeatures = background.nFeatures;
    this.nBackground = background.nRows;
    this.masksPerBatch = Math.max(1, Math.floor(batchRows / Math.max(1, background.nRows)));
    const rows = this.masksPerBatch * background.nRows;
    this.raw = new Float64Array(rows * this.nFeatures);
    this.encoded = new Float32Array(rows * pipeline.encoder.outputWidth);
  }

  /** Runs the model on raw rows (n × F), in batches, returning n × outputWidth float64. */
  async predict(raw: RawMatrix, signal?: AbortSignal): Promise<Float64Array> {
    const width = this.outputWidth;
    const out = new Float64Array(raw.nRows * width);
    const step = this.masksPerBatch * Math.max(1, this.nBackground);
    for (let start = 0; start < raw.nRows; start += step) {
      throwIfAborted(signal);
      const end = Math.min(raw.nRows, start + step);
      const chunk: RawMatrix = { data: raw.data.subarray(start * raw.nFeatures, end * raw.nFeatures), nRows: end - start, nFeatures: raw.nFeatures };
      const y = await this.run(chunk, signal);
      for (let i = 0; i < y.length; i++) out[start * width + i] = y[i]!;
    }
    return out;
  }

  /**
   * v(S) for `nMasks` coalitions of `players` (mask bytes row-major nMasks × players.length; 1 = the
   * player takes x's value). Returns nMasks × outputWidth background means in float64.
   */
  async evaluate(x: Float64Array, players: Int32Array, masks: Uint8Array, nMasks: number, signal?: AbortSignal): Promise<Float64Array> {
    const f = this.nFeatures;
    const n = this.nBackground;
    const m = players.length;
    const width = this.outputWidth;
    const base = this.baseRows(x, players);
    const out = new Float64Array(nMasks * width);
    for (let start = 0; start < nMasks; start += this.masksPerBatch) {
      throwIfAborted(signal);
      const end = Math.min(nMasks, start + this.masksPerBatch);
      const raw = this.raw;
      for (let k = start; k < end; k++) {
        const rowStart = (k - start) * n * f;
        raw.set(base, rowStart);
        for (let p = 0; p < m; p++) {
          if (masks[k * m + p] === 0) continue;
          const j = players[p]!;
          const v = x[j]!;
          for (let b = 0; b < n; b++) raw[rowStart + b * f + j] = v;
        }
      }
      const rows = (end - start) * n;
      const y = await this.run({ data: raw.subarray(0, rows * f), nRows: rows, nFeatures: f }, signal);
      const inv = 1 / n;
      for (let k = start; k < end; k++) {
        const offset = (k - start) * n * width;
        for (let c = 0; c < width; c++) {
          let sum = 0;
          for (let b = 0; b < n; b++) sum += y[offset + b * width + c]!;
          out[k * width + c] = sum * inv;
        }
      }
    }
    return out;
  }

  /**
   * Model outputs (nMasks × outputWidth) of rows built from one base row: z = base, with the players
   * whose mask byte is 1 set to x's value. The single-baseline game of the interventional value.
   */
  async evaluateAgainst(base: Float64Array, x: Float64Array, players: Int32Array, masks: Uint8Array, nMasks: number, signal?: AbortSignal): Promise<Float64Array> {
    const f = this.nFeatures;
    const m = players.length;
    const width = this.outputWidth;
    const out = new Float64Array(nMasks * width);
    const perBatch = this.masksPerBatch * Math.max(1, this.nBackground);
    for (let start = 0; start < nMasks; start += perBatch) {
      throwIfAborted(signal);
      const end = Math.min(nMasks, start + perBatch);
      const raw = this.raw;
      for (let k = start; k < end; k++) {
        const rowStart = (k - start) * f;
        raw.set(base, rowStart);
        for (let p = 0; p < m; p++) if (masks[k * m + p] !== 0) raw[rowStart + players[p]!] = x[players[p]!]!;
      }
      const y = await this.run({ data: raw.subarray(0, (end - start) * f), nRows: end - start, nFeatures: f }, signal);
      for (let i = 0; i < y.length; i++) out[start * width + i] = y[i]!;
    }
    return out;
  }

  /** Background rows with every non-player feature set to x's value. */
  baseRows(x: Float64Array, players: Int32Array): Float64Array {
    const f = this.nFeatures;
    const isPlayer = new Uint8Array(f);
    for (const p of players) isPlayer[p] = 1;
    const base = Float64Array.from(this.background.data.subarray(0, this.nBackground * f));
    for (let j = 0; j < f; j++) {
      if (isPlayer[j]) continue;
      for (let b = 0; b < this.nBackground; b++) base[b * f + j] = x[j]!;
    }
    return base;
  }

  private async run(raw: RawMatrix, signal?: AbortSignal): Promise<Float32Array> {
    const t0 = performance.now();
    const encoder = this.pipeline.encoder;
    const encoded = raw.nRows * encoder.outputWidth <= this.encoded.length ? this.encoded.subarray(0, raw.nRows * encoder.outputWidth) : new Float32Array(raw.nRows * encoder.outputWidth);
    encoder.encode(raw, encoded);
    const t1 = performance.now();
    const y = await this.pipeline.model.predict({ data: encoded, shape: [raw.nRows, encoder.outputWidth] }, signal ? { signal } : undefined);
    this.modelMillis += performance.now() - t1;
    this.modelRows += raw.nRows;
    void t0;
    return y;
  }
}
