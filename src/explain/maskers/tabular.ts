import { throwIfAborted } from '../../errors.js';
import type { RawMatrix } from '../../encode/encoder.js';
import type { Pipeline } from '../../model/pipeline.js';

/** Rows per model call: large enough to amortise the call, small enough to stay in cache. */
export const DEFAULT_BATCH_ROWS = 8192;

/**
 * The interventional ("independent") masker over a background set, as shap's `maskers.Independent`:
 * the value of coalition S for an explained row x is v(S) = (1/N) Σ_b f(z_b) with z_b,j = x_j when
 * j ∈ S or j is not a player, and b_j otherwise. A raw feature is one player, so a one-hot block moves
 * as one. Masked rows are written into one reused buffer and evaluated in large batches.
 *
 * Fast path: when the encoder is column-separable (its features' offset/width blocks tile the input
 * and a probe of mixed rows encodes identically both ways), masked rows are assembled directly in
 * encoded space from the encoded x and background blocks, so the encoder runs once per row instead
 * of once per masked row. Otherwise rows are built in RawMatrix space and encoded per batch.
 */
export class TabularMasker {
  readonly outputWidth: number;
  readonly nFeatures: number;
  readonly nBackground: number;
  private readonly inputWidth: number;
  private readonly raw: Float64Array;
  private readonly encoded: Float32Array;
  private readonly masksPerBatch: number;
  private readonly offsets: Int32Array;
  private readonly widths: Int32Array;
  private separable: boolean | undefined;
  private bgEncoded: Float32Array | undefined;
  /** Model rows evaluated and milliseconds spent in model.predict (for benchmarks). */
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
    this.inputWidth = pipeline.encoder.outputWidth;
    this.masksPerBatch = Math.max(1, Math.floor(batchRows / Math.max(1, background.nRows)));
    const rows = this.masksPerBatch * background.nRows;
    this.raw = new Float64Array(rows * this.nFeatures);
    this.encoded = new Float32Array(rows * this.inputWidth);
    this.offsets = Int32Array.from(pipeline.encoder.features, (f) => f.offset);
    this.widths = Int32Array.from(pipeline.encoder.features, (f) => f.width);
    if (!tiles(this.offsets, this.widths, this.inputWidth)) this.separable = false;
  }

  /** The background rows (nBackground × nFeatures). */
  get backgroundData(): Float64Array {
    return this.background.data;
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
      const y = await this.runEncoded(this.encode(chunk), chunk.nRows, signal);
      for (let i = 0; i < y.length; i++) out[start * width + i] = y[i]!;
    }
    return out;
  }

  /**
   * v(S) for `nMasks` coalitions of `players` (mask bytes row-major nMasks × players.length; 1 = the
   * player takes x's value). Returns nMasks × outputWidth background means in float64.
   */
  async evaluate(x: Float64Array, players: Int32Array, masks: Uint8Array, nMasks: number, signal?: AbortSignal): Promise<Float64Array> {
    const out = new Float64Array(nMasks * this.outputWidth);
    const base = this.baseRows(x, players);
    await this.evaluateBlocks(base, this.nBackground, x, players, masks, nMasks, signal, (k, y, offset) => {
      const n = this.nBackground;
      const width = this.outputWidth;
      for (let c = 0; c < width; c++) {
        let sum = 0;
        for (let b = 0; b < n; b++) sum += y[offset + b * width + c]!;
        out[k * width + c] = sum / n;
      }
    });
    return out;
  }

  /**
   * Model outputs (nMasks × outputWidth) of rows built from one base row: z = base, with the players
   * whose mask byte is 1 set to x's value. The single-baseline game of the interventional value.
   */
  async evaluateAgainst(base: Float64Array, x: Float64Array, players: Int32Array, masks: Uint8Array, nMasks: number, signal?: AbortSignal): Promise<Float64Array> {
    const width = this.outputWidth;
    const out = new Float64Array(nMasks * width);
    await this.evaluateBlocks(base, 1, x, players, masks, nMasks, signal, (k, y, offset) => {
      for (let c = 0; c < width; c++) out[k * width + c] = y[offset + c]!;
    });
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

  /** Builds rows for each mask from `rowsPerMask` base rows, runs the model, hands outputs to `take`. */
  private async evaluateBlocks(base: Float64Array, rowsPerMask: number, x: Float64Array, players: Int32Array, masks: Uint8Array, nMasks: number, signal: AbortSignal | undefined, take: (mask: number, y: Float32Array, offset: number) => void): Promise<void> {
    const f = this.nFeatures;
    const m = players.length;
    const w = this.inputWidth;
    const perBatch = Math.max(1, Math.floor((this.masksPerBatch * this.nBackground) / rowsPerMask));
    const fast = this.isSeparable(x, base);
    const baseEnc = fast ? this.encode({ data: base, nRows: rowsPerMask, nFeatures: f }).slice() : undefined;
    const xEnc = fast ? this.encode({ data: x, nRows: 1, nFeatures: f }).slice() : undefined;
    const playerOffsets = Int32Array.from(players, (j) => this.offsets[j]!);
    const playerWidths = Int32Array.from(players, (j) => this.widths[j]!);
    for (let start = 0; start < nMasks; start += perBatch) {
      throwIfAborted(signal);
      const end = Math.min(nMasks, start + perBatch);
      const rows = (end - start) * rowsPerMask;
      let encoded: Float32Array;
      if (baseEnc && xEnc) {
        encoded = this.encoded;
        fillEncoded(encoded, baseEnc, xEnc, rowsPerMask, w, masks, start, end, m, playerOffsets, playerWidths);
      } else {
        const raw = this.raw;
        for (let k = start; k < end; k++) {
          const rowStart = (k - start) * rowsPerMask * f;
          raw.set(base, rowStart);
          for (let p = 0; p < m; p++) {
            if (masks[k * m + p] === 0) continue;
            const j = players[p]!;
            for (let b = 0; b < rowsPerMask; b++) raw[rowStart + b * f + j] = x[j]!;
          }
        }
        encoded = this.encode({ data: raw.subarray(0, rows * f), nRows: rows, nFeatures: f });
      }
      const y = await this.runEncoded(encoded, rows, signal);
      for (let k = start; k < end; k++) take(k, y, (k - start) * rowsPerMask * this.outputWidth);
    }
  }

  private encode(raw: RawMatrix): Float32Array {
    const size = raw.nRows * this.inputWidth;
    const target = size <= this.encoded.length ? this.encoded.subarray(0, size) : new Float32Array(size);
    return this.pipeline.encoder.encode(raw, target);
  }

  private async runEncoded(encoded: Float32Array, rows: number, signal?: AbortSignal): Promise<Float32Array> {
    const t0 = performance.now();
    const y = await this.pipeline.model.predict({ data: encoded.subarray(0, rows * this.inputWidth), shape: [rows, this.inputWidth] }, signal ? { signal } : undefined);
    this.modelMillis += performance.now() - t0;
    this.modelRows += rows;
    return y;
  }

  /** Decides once whether the encoder is column-separable: mixed rows must encode identically both ways. */
  private isSeparable(x: Float64Array, base: Float64Array): boolean {
    if (this.separable !== undefined) return this.separable;
    const f = this.nFeatures;
    const w = this.inputWidth;
    const b = base.subarray(0, f);
    const rows = new Float64Array(3 * f);
    for (let j = 0; j < f; j++) {
      rows[j] = j % 2 === 0 ? x[j]! : b[j]!;
      rows[f + j] = j % 2 === 0 ? b[j]! : x[j]!;
      rows[2 * f + j] = j % 3 === 0 ? x[j]! : b[j]!;
    }
    const direct = this.encode({ data: rows, nRows: 3, nFeatures: f }).slice();
    const xe = this.encode({ data: x, nRows: 1, nFeatures: f }).slice();
    const be = this.encode({ data: Float64Array.from(b), nRows: 1, nFeatures: f }).slice();
    let same = true;
    for (let r = 0; r < 3 && same; r++) {
      for (let j = 0; j < f && same; j++) {
        const fromX = r === 0 ? j % 2 === 0 : r === 1 ? j % 2 !== 0 : j % 3 === 0;
        const src = fromX ? xe : be;
        for (let c = 0; c < this.widths[j]!; c++) if (!Object.is(direct[r * w + this.offsets[j]! + c], src[this.offsets[j]! + c])) same = false;
      }
    }
    this.separable = same;
    return same;
  }
}

/**
 * Writes masks [start, end) into `out`: per mask, the base rows, then every present player's block
 * overwritten with x's encoded values (hot loop: locals only, width-1 blocks special-cased).
 */
function fillEncoded(out: Float32Array, base: Float32Array, xEnc: Float32Array, rows: number, w: number, masks: Uint8Array, start: number, end: number, m: number, offs: Int32Array, widths: Int32Array): void {
  const block = rows * w;
  for (let k = start; k < end; k++) {
    const rowStart = (k - start) * block;
    out.set(base, rowStart);
    const maskRow = k * m;
    for (let p = 0; p < m; p++) {
      if (masks[maskRow + p] === 0) continue;
      const off = offs[p]!;
      const width = widths[p]!;
      if (width === 1) {
        const v = xEnc[off]!;
        for (let b = rowStart + off; b < rowStart + block; b += w) out[b] = v;
      } else {
        for (let b = rowStart + off; b < rowStart + block; b += w) for (let c = 0; c < width; c++) out[b + c] = xEnc[off + c]!;
      }
    }
  }
}

/** Whether the (offset, width) blocks cover [0, total) exactly once. */
function tiles(offsets: Int32Array, widths: Int32Array, total: number): boolean {
  const covered = new Uint8Array(total);
  for (let j = 0; j < offsets.length; j++) {
    for (let c = 0; c < widths[j]!; c++) {
      const k = offsets[j]! + c;
      if (k >= total || covered[k]) return false;
      covered[k] = 1;
    }
  }
  return covered.every((v) => v === 1);
}
