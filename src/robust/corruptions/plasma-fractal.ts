import type { Rng } from '../../rng.js';

/**
 * The reference's `plasma_fractal(mapsize, wibbledecay)`: a diamond-square height map (size a power of
 * two, wrapping at the edges), each midpoint the mean of its four neighbours plus wibble·U(−wibble,
 * wibble), with wibble starting at 100 and divided by `decay` at each halving; rescaled to [0, 1].
 */
export function plasmaFractal(size: number, decay: number, rng: Rng): Float64Array {
  if (size < 2 || (size & (size - 1)) !== 0) throw new RangeError(`plasmaFractal: size ${size} is not a power of two ≥ 2`);
  const map = new Float64Array(size * size);
  const shift = Math.log2(size);
  const noise = (w: number): number => w * (-w + 2 * w * rng.next());
  let step = size;
  let wibble = 100;
  const mask = size - 1;
  const at = (y: number, x: number): number => map[((y & mask) << shift) | (x & mask)]!;
  while (step >= 2) {
    const half = step / 2;
    // squares: centre = mean of the four corners
    for (let y = half; y < size; y += step) {
      for (let x = half; x < size; x += step) map[y * size + x] = (at(y - half, x - half) + at(y + half, x - half) + at(y - half, x + half) + at(y + half, x + half)) / 4 + noise(wibble);
    }
    // diamonds on the corner rows, then on the centre rows
    for (let y = 0; y < size; y += step) {
      for (let x = half; x < size; x += step) map[y * size + x] = (at(y + half, x) + at(y - half, x) + at(y, x - half) + at(y, x + half)) / 4 + noise(wibble);
    }
    for (let y = half; y < size; y += step) {
      for (let x = 0; x < size; x += step) map[y * size + x] = (at(y, x + half) + at(y, x - half) + at(y - half, x) + at(y + half, x)) / 4 + noise(wibble);
    }
    step = half;
    wibble /= decay;
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of map) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const span = hi > lo ? hi - lo : 1;
  for (let i = 0; i < map.length; i++) map[i] = (map[i]! - lo) / span;
  return map;
}

/** The smallest power of two ≥ n. */
export function nextPowerOfTwo(n: number): number {
  let p = 2;
  while (p < n) p *= 2;
  return p;
}
