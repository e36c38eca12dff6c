import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { UniformBlock } from './uniform-block.js';

describe('UniformBlock', () => {
  it('gives the same stream for the same seed, another for another seed', () => {
    const a = new UniformBlock(64, new Rng(7)).fill();
    const b = new UniformBlock(64, new Rng(7)).fill();
    const c = new UniformBlock(64, new Rng(8)).fill();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('continues the stream across fills, and next() reads the same stream block by block', () => {
    const whole = Array.from(new UniformBlock(100, new Rng(3)).fill());
    const half = new UniformBlock(50, new Rng(3));
    const parts = [...half.fill(), ...half.fill()];
    expect(parts).toEqual(whole);
    const streamed = new UniformBlock(10, new Rng(3));
    expect(Array.from({ length: 100 }, () => streamed.next())).toEqual(whole);
  });

  it('draws uniforms on [0, 1): every value in range, χ² over 20 cells and the mean within their sampling error', () => {
    const n = 200_000;
    const v = new UniformBlock(n, new Rng(11)).fill();
    const cells = new Float64Array(20);
    let sum = 0;
    let outside = 0;
    for (const u of v) {
      if (!(u >= 0 && u < 1)) outside++;
      cells[Math.floor(u * 20)]! += 1;
      sum += u;
    }
    expect(outside).toBe(0);
    const e = n / 20;
    const chi2 = cells.reduce((acc, o) => acc + (o - e) ** 2 / e, 0);
    expect(chi2).toBeLessThan(43.8); // χ²(19) 0.999 quantile
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
  });
});
