import type { Rng } from '../../rng.js';
import type { InputBounds } from './bounds.js';

/**
 * Float32 kernels of FGSM and PGD, one row block at a time. Every arithmetic result is rounded to
 * float32 (Math.fround; a single +, −, × or ÷ of float32 values rounded once equals the float32
 * operation), in torchattacks' order, so the arithmetic matches PyTorch's elementwise ops exactly;
 * only the gradient itself (and the L2 norms, summed in float64 then rounded) can differ in the last bits.
 * Rows [start, end) of `adv`, `x` and `gradient` are updated; `eps` and `alpha` hold one value per row.
 */

const f = Math.fround;

function clip(v: number, lo: number, hi: number): number {
  // torch.clamp(v, min, max) = min(max(v, lo), hi)
  const a = v < lo ? lo : v;
  return a > hi ? hi : a;
}

/** sign with sign(0) = 0 (torch.sign); frozen elements count as 0. */
function sign(g: number): number {
  return g > 0 ? 1 : g < 0 ? -1 : 0;
}

/** FGSM (Goodfellow et al. 2015): adv = clip(x + ε·sign(∇)). */
export function fgsmStep(adv: Float32Array, x: Float32Array, gradient: Float32Array, eps: Float32Array, bounds: InputBounds, start: number, end: number): void {
  const d = bounds.lower.length;
  for (let i = start; i < end; i++) {
    const e = eps[i]!;
    for (let j = 0; j < d; j++) {
      const k = i * d + j;
      const s = bounds.frozen[j] ? 0 : sign(gradient[k]!);
      adv[k] = clip(f(x[k]! + f(e * s)), bounds.lower[j]!, bounds.upper[j]!);
    }
  }
}

/**
 * One PGD L∞ step (Madry et al. 2018, torchattacks.PGD): adv ← adv + α·sign(∇); δ ← clip(adv − x, −ε, ε);
 * adv ← clip(x + δ).
 */
export function linfStep(adv: Float32Array, x: Float32Array, gradient: Float32Array, eps: Float32Array, alpha: Float32Array, bounds: InputBounds, start: number, end: number): void {
  const d = bounds.lower.length;
  for (let i = start; i < end; i++) {
    const e = eps[i]!;
    const a = alpha[i]!;
    for (let j = 0; j < d; j++) {
      const k = i * d + j;
      const s = bounds.frozen[j] ? 0 : sign(gradient[k]!);
      const moved = f(adv[k]! + f(a * s));
      const delta = clip(f(moved - x[k]!), -e, e);
      adv[k] = clip(f(x[k]! + delta), bounds.lower[j]!, bounds.upper[j]!);
    }
  }
}

/** ‖v[row]‖₂ over non-frozen elements: summed in float64, rounded to float32 as torch.norm returns. */
function rowNorm(v: Float32Array, offset: number, bounds: InputBounds): number {
  let s = 0;
  const d = bounds.lower.length;
  for (let j = 0; j < d; j++) if (!bounds.frozen[j]) s += v[offset + j]! * v[offset + j]!;
  return f(Math.sqrt(s));
}

/** torchattacks' `eps_for_division`, added to each gradient norm. */
export const L2_DIVISION_EPS = 1e-10;

/**
 * One PGD L2 step (torchattacks.PGDL2): g ← ∇ / (‖∇‖₂ + 1e-10); adv ← adv + α·g; δ ← adv − x;
 * δ ← δ · min(ε / ‖δ‖₂, 1); adv ← clip(x + δ). Frozen elements get no gradient and no step.
 * `scratch` holds one row.
 */
export function l2Step(adv: Float32Array, x: Float32Array, gradient: Float32Array, eps: Float32Array, alpha: Float32Array, bounds: InputBounds, start: number, end: number, scratch: Float32Array): void {
  const d = bounds.lower.length;
  for (let i = start; i < end; i++) {
    const o = i * d;
    const gNorm = f(rowNorm(gradient, o, bounds) + L2_DIVISION_EPS);
    const a = alpha[i]!;
    for (let j = 0; j < d; j++) {
      const g = bounds.frozen[j] ? 0 : f(gradient[o + j]! / gNorm);
      scratch[j] = f(f(adv[o + j]! + f(a * g)) - x[o + j]!);
    }
    const dNorm = rowNorm(scratch, 0, bounds);
    const ratio = f(eps[i]! / dNorm);
    const factor = ratio < 1 ? ratio : 1; // torch.min(ε/‖δ‖, 1); ε/0 = ∞ → 1
    for (let j = 0; j < d; j++) {
      const delta = bounds.frozen[j] ? 0 : f(scratch[j]! * factor);
      adv[o + j] = clip(f(x[o + j]! + delta), bounds.lower[j]!, bounds.upper[j]!);
    }
  }
}

/**
 * PGD's random start, drawn row by row in element order from `rng`:
 * - L∞ (torchattacks.PGD): adv = clip(x + u), u ~ U(−ε, ε) per element;
 * - L2 (torchattacks.PGDL2): δ ~ N(0, I), scaled to length ε·r with r ~ U(0, 1) per row (so not
 *   uniform in the ball), adv = clip(x + δ).
 * Frozen elements stay at x.
 */
export function randomStart(adv: Float32Array, x: Float32Array, eps: Float32Array, norm: 'linf' | 'l2', bounds: InputBounds, rng: Rng, start: number, end: number, scratch: Float32Array): void {
  const d = bounds.lower.length;
  for (let i = start; i < end; i++) {
    const o = i * d;
    const e = eps[i]!;
    if (norm === 'linf') {
      for (let j = 0; j < d; j++) {
        const u = f(-e + f(2 * e) * f(rng.next()));
        adv[o + j] = bounds.frozen[j] ? x[o + j]! : clip(f(x[o + j]! + u), bounds.lower[j]!, bounds.upper[j]!);
      }
      continue;
    }
    for (let j = 0; j < d; j++) scratch[j] = bounds.frozen[j] ? 0 : f(rng.normal());
    const n = rowNorm(scratch, 0, bounds);
    const r = f(rng.next());
    const scale = f(f(r / n) * e);
    for (let j = 0; j < d; j++) adv[o + j] = bounds.frozen[j] ? x[o + j]! : clip(f(x[o + j]! + f(scratch[j]! * scale)), bounds.lower[j]!, bounds.upper[j]!);
  }
}
