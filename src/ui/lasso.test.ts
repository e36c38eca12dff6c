import { describe, expect, it } from 'vitest';
import { insidePolygon, lassoSelect } from './lasso.js';

describe('lasso selection', () => {
  it('agrees with the closed form for a convex polygon (the unit square) on a grid', () => {
    const square = [0, 0, 1, 0, 1, 1, 0, 1];
    for (let x = -0.45; x < 1.5; x += 0.1) for (let y = -0.45; y < 1.5; y += 0.1) expect(insidePolygon(x, y, square)).toBe(x > 0 && x < 1 && y > 0 && y < 1);
  });

  it('excludes the notch of a concave polygon (an L shape)', () => {
    const l = [0, 0, 2, 0, 2, 1, 1, 1, 1, 2, 0, 2];
    expect(insidePolygon(0.5, 1.5, l)).toBe(true);
    expect(insidePolygon(1.5, 0.5, l)).toBe(true);
    expect(insidePolygon(1.5, 1.5, l)).toBe(false);
  });

  it('selects exactly the points inside, independent of the orientation of the polygon', () => {
    // grid points at (k + 0.5) / 20 never fall on the triangle's edges (x = 0.1, y = 0.1, x + y = 0.97)
    const xs = Float64Array.from({ length: 400 }, (_, i) => ((i % 20) + 0.5) / 20);
    const ys = Float64Array.from({ length: 400 }, (_, i) => (Math.floor(i / 20) + 0.5) / 20);
    const triangle = [0.1, 0.1, 0.87, 0.1, 0.1, 0.87];
    const reversed = [0.1, 0.87, 0.87, 0.1, 0.1, 0.1];
    const hits = lassoSelect(xs, ys, triangle);
    const expected = Array.from(xs.keys()).filter((i) => xs[i]! > 0.1 && ys[i]! > 0.1 && xs[i]! + ys[i]! < 0.97);
    expect(hits).toEqual(expected);
    expect(lassoSelect(xs, ys, reversed)).toEqual(expected);
    expect(lassoSelect(xs, ys, [0, 0, 1, 1])).toEqual([]);
  });
});
