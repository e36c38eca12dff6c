import { Rng } from '../../src/rng.js';

/**
 * n seeded 8×8 one-channel images with faint noise: class 0 a horizontal bar, class 1 a vertical bar,
 * at a seeded position. With one channel the values read the same as [n, 8, 8, 1] or [n, 1, 8, 8].
 */
export function barImages(n: number, seed: number): { x: Float32Array; labels: Int32Array } {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 64);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = rng.int(2);
    const at = 1 + rng.int(6);
    labels[i] = c;
    for (let r = 0; r < 8; r++) for (let k = 0; k < 8; k++) x[i * 64 + r * 8 + k] = (c === 0 ? r === at : k === at) ? 0.9 + 0.1 * rng.next() : 0.05 * rng.next();
  }
  return { x, labels };
}
