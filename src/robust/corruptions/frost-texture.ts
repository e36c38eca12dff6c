import { Rng } from '../../rng.js';
import { gaussianPlane } from './filters.js';
import { nextPowerOfTwo, plasmaFractal } from './plasma-fractal.js';

/**
 * Frost textures made procedurally, so no photographs ship with glassbox (ImageNet-C blends one of six
 * frost photos; we generate textures with the same role). A texture is
 *   - a haze: a diamond-square plasma map (decay 1.6) raised to the power 1.5, weighted 0.45, and
 *   - ice crystals: dendrites — a straight stem at a random angle with side branches at ±60° every few
 *     pixels, each branch again branching once — drawn as anti-aliased 1-px lines of random brightness
 *     and density about one crystal per 900 texture pixels,
 * summed, smoothed by a Gaussian of σ = 0.6 px, then set to a mean drawn in [0.45, 0.80] with standard
 * deviation 0.11 and clipped to [0, 1] — the range of the reference photos (frost1–5: mean luminance
 * 0.48–0.80, standard deviation 0.07–0.17; measured once, not shipped). Colour images get it tinted
 * pale blue in the photos' proportions, R : G : B = 0.80 : 0.92 : 1, scaled to keep the luminance.
 * Lengths are in texture pixels times `unit` (the image's side over the table's side).
 */
export function frostTexture(height: number, width: number, unit: number, rng: Rng): Float64Array {
  const size = nextPowerOfTwo(Math.max(height, width));
  const plasma = plasmaFractal(size, 1.6, rng);
  const out = new Float64Array(height * width);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[y * width + x] = 0.45 * Math.pow(plasma[y * size + x]!, 1.5);
  const crystals = Math.max(1, Math.round((height * width) / (900 * unit * unit)));
  for (let k = 0; k < crystals; k++) {
    const stem = { x: rng.next() * width, y: rng.next() * height, angle: rng.next() * 2 * Math.PI, length: (12 + 36 * rng.next()) * unit, level: 0 };
    drawDendrite(out, height, width, stem, 0.25 + 0.45 * rng.next(), unit, rng);
  }
  const smooth = gaussianPlane(out, height, width, 0.6 * Math.max(unit, 0.5), 'reflect');
  // level and contrast like the reference photos: mean luminance 0.45–0.80, standard deviation 0.11
  let mean = 0;
  for (const v of smooth) mean += v / smooth.length;
  let sd = 0;
  for (const v of smooth) sd += (v - mean) ** 2 / smooth.length;
  sd = Math.sqrt(sd) || 1;
  const level = 0.45 + 0.35 * rng.next();
  for (let i = 0; i < smooth.length; i++) smooth[i] = Math.min(1, Math.max(0, level + (0.11 * (smooth[i]! - mean)) / sd));
  return smooth;
}

interface Branch {
  readonly x: number;
  readonly y: number;
  readonly angle: number;
  readonly length: number;
  readonly level: number;
}

function drawDendrite(out: Float64Array, h: number, w: number, root: Branch, brightness: number, unit: number, rng: Rng): void {
  const stack: Branch[] = [root];
  while (stack.length > 0) {
    const b = stack.pop()!;
    const dx = Math.cos(b.angle);
    const dy = Math.sin(b.angle);
    const value = brightness * (b.level === 0 ? 1 : 0.7);
    for (let t = 0; t < b.length; t += 0.5) splat(out, h, w, b.x + t * dx, b.y + t * dy, value * 0.5);
    if (b.level >= 2) continue;
    const gap = (3 + 3 * rng.next()) * unit;
    for (let t = gap; t < b.length; t += gap) {
      const rest = (b.length - t) * (0.35 + 0.25 * rng.next());
      if (rest < unit) continue;
      const side = rng.next() < 0.5 ? -1 : 1;
      stack.push({ x: b.x + t * dx, y: b.y + t * dy, angle: b.angle + (side * Math.PI) / 3, length: rest, level: b.level + 1 });
    }
  }
}

/** Adds `value` at a sub-pixel position, spread bilinearly over the four nearest pixels. */
function splat(out: Float64Array, h: number, w: number, x: number, y: number, value: number): void {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const add = (yy: number, xx: number, weight: number): void => {
    if (yy >= 0 && yy < h && xx >= 0 && xx < w) out[yy * w + xx]! += value * weight;
  };
  add(y0, x0, (1 - fx) * (1 - fy));
  add(y0, x0 + 1, fx * (1 - fy));
  add(y0 + 1, x0, (1 - fx) * fy);
  add(y0 + 1, x0 + 1, fx * fy);
}

/** The bluish tint of colour frost per RGB channel, scaled so its luminance (0.299, 0.587, 0.114) is 1. */
export const FROST_TINT = [0.8, 0.92, 1].map((v) => v / (0.299 * 0.8 + 0.587 * 0.92 + 0.114)) as readonly number[];

/**
 * A bank of five textures per (seed, size, unit), made once and reused like the reference's five photos:
 * each image picks one and a random crop of it.
 */
const banks = new Map<string, { readonly textures: Float64Array[]; readonly side: number }>();

export function frostBank(seed: number, side: number, unit: number): { readonly textures: Float64Array[]; readonly side: number } {
  const key = `${seed}|${side}|${unit}`;
  let bank = banks.get(key);
  if (!bank) {
    const rng = new Rng(seed ^ 0x5f0c7e11);
    bank = { textures: Array.from({ length: 5 }, () => frostTexture(side, side, unit, rng.fork())), side };
    if (banks.size > 16) banks.clear();
    banks.set(key, bank);
  }
  return bank;
}
