import { GlassboxError } from '../errors.js';
import { normalCdf, normalQuantile, normalSf } from './stats/normal.js';
import type { UniformBlock } from './uniform-block.js';

/** Equal-probability strips per truncated normal. */
export const TRUNCATED_NORMAL_STRIPS = 128;

/**
 * Several standard normals truncated to [a, z] (a < z), packed one after another, each cut at its
 * quantiles into STRIPS strips of equal probability 1/STRIPS. Per strip: its edges, and for the rejection
 * test inside it the height top ≥ max of exp(−t²/2) on the strip and squeeze · top ≤ its min.
 */
export interface TruncatedNormalTables {
  readonly low: Float64Array;
  readonly high: Float64Array;
  /** Φ(a), Φ(z) — or the upper tails 1 − Φ(a), 1 − Φ(z) when `upper` (a > 0), which keeps precision in the far tail. */
  readonly lowP: Float64Array;
  readonly highP: Float64Array;
  readonly upper: Uint8Array;
  /** STRIPS + 1 edges per table (table i at i · (STRIPS + 1)): a, the quantiles at s / STRIPS, z. */
  readonly edges: Float64Array;
  /** STRIPS entries per table (table i at i · STRIPS). */
  readonly top: Float64Array;
  readonly squeeze: Float64Array;
}

/** Tables for each [a, z] of `bounds` (a < z, in standard-normal units; infinite bounds allowed). */
export function truncatedNormalTables(bounds: readonly (readonly [number, number])[]): TruncatedNormalTables {
  const k = TRUNCATED_NORMAL_STRIPS;
  const m = bounds.length;
  const t: TruncatedNormalTables = {
    low: Float64Array.from(bounds, (b) => b[0]),
    high: Float64Array.from(bounds, (b) => b[1]),
    lowP: new Float64Array(m),
    highP: new Float64Array(m),
    upper: new Uint8Array(m),
    edges: new Float64Array(m * (k + 1)),
    top: new Float64Array(m * k),
    squeeze: new Float64Array(m * k),
  };
  for (let i = 0; i < m; i++) fillTable(t, i);
  return t;
}

function fillTable(t: TruncatedNormalTables, i: number): void {
  const k = TRUNCATED_NORMAL_STRIPS;
  const a = t.low[i]!;
  const z = t.high[i]!;
  if (!(z > a)) {
    throw new GlassboxError('invalid_argument', `truncatedNormalTables: bounds #${i} [${a}, ${z}] do not have low < high.`, { argument: 'bounds', hint: 'Sample a degenerate interval (low = high) as its single value, outside these tables.' });
  }
  const upper = a > 0;
  t.upper[i] = upper ? 1 : 0;
  t.lowP[i] = upper ? normalSf(a) : normalCdf(a);
  t.highP[i] = upper ? normalSf(z) : normalCdf(z);
  const e0 = i * (k + 1);
  for (let s = 0; s <= k; s++) t.edges[e0 + s] = s === 0 ? a : s === k ? z : inverseCdf(t, i, s / k);
  for (let s = 0; s < k; s++) {
    const left = t.edges[e0 + s]!;
    const right = t.edges[e0 + s + 1]!;
    const near = left > 0 ? left : right < 0 ? right : 0;
    const far = Math.abs(left) > Math.abs(right) ? left : right;
    // Widened by a relative 1e-12 each way so rounding can never put the density above the envelope.
    const top = Math.exp(-0.5 * near * near) * (1 + 1e-12);
    t.top[i * k + s] = top;
    t.squeeze[i * k + s] = Number.isFinite(far) ? (Math.exp(-0.5 * far * far) * (1 - 1e-12)) / top : 0;
  }
}

/** The truncated normal's quantile at v ∈ [0, 1]: Φ⁻¹(Φ(a) + v·(Φ(z) − Φ(a))), clamped to [a, z] (as scipy's truncnorm.ppf). */
function inverseCdf(t: TruncatedNormalTables, i: number, v: number): number {
  const a = t.low[i]!;
  const z = t.high[i]!;
  const pa = t.lowP[i]!;
  const p = pa + (v < 1 ? v : 1) * (t.highP[i]! - pa);
  let q: number;
  if (t.upper[i]) q = p > 0 ? -normalQuantile(p) : a;
  else q = p > 0 && p < 1 ? normalQuantile(p) : p <= 0 ? a : z;
  return q < a ? a : q > z ? z : q;
}

/**
 * One draw of table i's truncated normal from `v`, a uniform on [0, 1) the caller already has, and
 * more uniforms from `stream` when needed. v·STRIPS picks a strip (each has probability 1/STRIPS
 * exactly, its edges being quantiles) and its fractional part is a fresh uniform giving a point t
 * uniform in the strip, accepted when w·top ≤ exp(−t²/2) (nearly always decided by the squeeze w ≤
 * squeeze without computing exp; on rejection a new point is drawn in the same strip). Accepted points
 * have density ∝ exp(−t²/2) on the strip, so the mixture over strips is the truncated normal. The two
 * outermost strips, which may be long tails, are sampled by the inverse CDF at v instead.
 */
export function drawTruncatedNormal(t: TruncatedNormalTables, i: number, v: number, stream: UniformBlock): number {
  const k = TRUNCATED_NORMAL_STRIPS;
  const x = v * k;
  const s = x | 0;
  if (s >= k - 1 || s <= 0) return inverseCdf(t, i, v);
  const e = i * (k + 1) + s;
  const left = t.edges[e]!;
  const width = t.edges[e + 1]! - left;
  const top = t.top[i * k + s]!;
  const squeeze = t.squeeze[i * k + s]!;
  let r = x - s;
  for (;;) {
    const p = left + width * r;
    const w = stream.next();
    if (w <= squeeze || w * top <= Math.exp(-0.5 * p * p)) return p;
    r = stream.next();
  }
}
