import { describe, expect, it } from 'vitest';
import { mixedFixture } from '../../test/conformance/fixtures.js';
import { exactShapley } from './exact-shapley.js';
import { occlusion } from './occlusion.js';
import { permutationShapley } from './permutation-shapley.js';

describe('permutationShapley', () => {
  it('is efficient exactly and converges to exact Shapley within its standard errors', async () => {
    const { pipe, x, background } = mixedFixture(3);
    const exact = await exactShapley().explain(pipe, x, { background });
    const a = await permutationShapley({ permutations: 200, seed: 1 }).explain(pipe, x, { background });
    for (let r = 0; r < x.nRows; r++) expect(Math.abs(a.delta![r]!)).toBeLessThan(1e-9);
    let within = 0;
    for (let i = 0; i < a.values.length; i++) if (Math.abs(a.values[i]! - exact.values[i]!) <= 3 * a.stderr![i]! + 1e-12) within++;
    expect(within / a.values.length).toBeGreaterThan(0.9);
  });

  it('is exact for two players (both orders are enumerated by one antithetic pair)', async () => {
    const { pipe, x, background } = mixedFixture(3);
    const exact = await exactShapley().explain(pipe, x, { background, features: [1, 3] });
    const a = await permutationShapley({ permutations: 1 }).explain(pipe, x, { background, features: [1, 3] });
    for (let i = 0; i < a.values.length; i++) expect(Math.abs(a.values[i]! - exact.values[i]!)).toBeLessThan(1e-12);
  });
});

describe('occlusion', () => {
  it('equals f(x) − f(x with the feature ablated) and is zero for a feature equal to the baseline', async () => {
    const { pipe, x } = mixedFixture(3);
    const baseline = Array.from(x.data.subarray(0, 5));
    baseline[0] = 0;
    const a = await occlusion({ baseline }).explain(pipe, { data: x.data.slice(0, 5), nRows: 1, nFeatures: 5 });
    for (let j = 1; j < 5; j++) expect(a.values[j]).toBe(0);
    const ablated = Float64Array.from(x.data.subarray(0, 5));
    ablated[0] = 0;
    const y0 = await pipe.predictRaw({ data: x.data.slice(0, 5), nRows: 1, nFeatures: 5 });
    const y1 = await pipe.predictRaw({ data: ablated, nRows: 1, nFeatures: 5 });
    expect(a.values[0]).toBeCloseTo(y0[1]! - y1[1]!, 12);
  });
});
