import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { centeredGramNorms, columnBlocks } from './ort-gram.js';

/** ‖AcᵀBc‖²_F in float64 for row-major n × da and n × db matrices, centred per column. */
function centredProductNorm(a: Float32Array, da: number, b: Float32Array, db: number): number {
  const n = a.length / da;
  const centre = (m: Float32Array, d: number): Float64Array => {
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += m[i * d + j]! / n;
    return Float64Array.from(m, (v, k) => v - mean[k % d]!);
  };
  const ac = centre(a, da);
  const bc = centre(b, db);
  let sum = 0;
  for (let p = 0; p < da; p++) {
    for (let q = 0; q < db; q++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += ac[i * da + p]! * bc[i * db + q]!;
      sum += dot * dot;
    }
  }
  return sum;
}

describe('centred Gram norms in onnxruntime', () => {
  it('splits widths into at most 4 blocks of at least 128 columns', () => {
    expect(columnBlocks(64)).toEqual([64]);
    expect(columnBlocks(300)).toEqual([150, 150]);
    expect(columnBlocks(517)).toEqual([130, 129, 129, 129]);
    expect(columnBlocks(4096).length).toBe(4);
  });

  it('the block-symmetric products give the full Frobenius norms (widths that split unevenly, columns far from zero mean)', async () => {
    const rng = new Rng(11);
    const n = 400;
    const dx = 517;
    const dy = 300;
    const x = Float32Array.from({ length: n * dx }, (_, k) => 3 + (k % dx) / dx + rng.normal());
    const y = Float32Array.from({ length: n * dy }, (_, k) => Math.tanh(x[Math.floor(k / dy) * dx + (k % dy)]!) + 0.3 * rng.normal());
    const norms = await centeredGramNorms(x, dx, y, dy);
    const relative = (got: number, want: number): number => Math.abs(got - want) / want;
    expect(relative(norms.xx, centredProductNorm(x, dx, x, dx))).toBeLessThan(1e-5);
    expect(relative(norms.yy, centredProductNorm(y, dy, y, dy))).toBeLessThan(1e-5);
    expect(relative(norms.xy, centredProductNorm(y, dy, x, dx))).toBeLessThan(1e-5);
  });
});
