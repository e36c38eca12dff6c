import { describe, expect, it } from 'vitest';
import { pipeline } from '../../model/pipeline.js';
import { Rng } from '../../rng.js';
import { fnModel, rawMatrix, tinyEncoder } from '../../../test/conformance/fixtures.js';
import { limeTabular } from './tabular.js';

function fixture() {
  const encoder = tinyEncoder([
    { name: 'income', type: 'numeric' },
    { name: 'noise', type: 'numeric' },
    { name: 'colour', type: 'categorical', categories: ['red', 'green', 'blue'] },
  ]);
  // P(class 1) rises with income and is lower for 'blue'; 'noise' is ignored.
  const model = fnModel(encoder.outputWidth, 2, (r) => {
    const p = 1 / (1 + Math.exp(-(2 * r[0]! - 1.5 * r[4]!)));
    return [1 - p, p];
  });
  const rng = new Rng(4);
  const train = rawMatrix(Array.from({ length: 400 }, () => [rng.normal(), rng.normal(), rng.int(3)]));
  return { pipe: pipeline(model, encoder), train };
}

describe('limeTabular', () => {
  it('ranks the features the model uses first, with the right signs, and ignores the unused one', async () => {
    const { pipe, train } = fixture();
    const a = await limeTabular({ samples: 2000, numFeatures: 3 }).explain(pipe, rawMatrix([[1.5, 0.3, 2]]), { background: train, target: 1 });
    expect(a.values[0]!).toBeGreaterThan(0.1); // income in its top quartile raises P(1)
    expect(a.values[2]!).toBeLessThan(-0.1); // being blue lowers it
    expect(Math.abs(a.values[1]!)).toBeLessThan(0.25 * Math.abs(a.values[0]!));
    const extras = a.extras as { descriptions: string[][]; score: number[]; intercept: number[] };
    expect(extras.descriptions[0]).toEqual([expect.stringMatching(/^income > /), expect.stringMatching(/noise <= /), 'colour=blue']);
    expect(extras.score[0]!).toBeGreaterThan(0.5);
    expect(a.baseValues[0]).toBe(extras.intercept[0]);
  });

  it('supports every feature-selection mode and keeps numFeatures nonzero weights', async () => {
    const { pipe, train } = fixture();
    for (const featureSelection of ['auto', 'forward', 'highest_weights', 'lasso_path', 'none'] as const) {
      const a = await limeTabular({ samples: 800, numFeatures: 2, featureSelection }).explain(pipe, rawMatrix([[1.5, 0.3, 2]]), { background: train, target: 1 });
      const nonzero = Array.from(a.values).filter((v) => v !== 0).length;
      expect(nonzero).toBeLessThanOrEqual(featureSelection === 'none' ? 3 : 2);
      expect(a.values[0]).not.toBe(0);
    }
  });

  it('works without discretization (continuous features scaled by training statistics)', async () => {
    const { pipe, train } = fixture();
    const a = await limeTabular({ samples: 2000, discretizer: false, numFeatures: 3 }).explain(pipe, rawMatrix([[0.2, 0.3, 0]]), { background: train, target: 1 });
    expect(a.values[0]!).toBeGreaterThan(0.05);
  });

  it('gives identical output for the same seed and different samples for another seed', async () => {
    const { pipe, train } = fixture();
    const x = rawMatrix([
      [1.5, 0.3, 2],
      [-0.4, 1.1, 0],
    ]);
    const run = (seed: number) => limeTabular({ samples: 1500, seed }).explain(pipe, x, { background: train, target: 1 });
    const [a, b, c] = [await run(3), await run(3), await run(4)];
    expect(Array.from(b.values)).toEqual(Array.from(a.values));
    expect(b.extras).toEqual(a.extras);
    expect(Array.from(c.values)).not.toEqual(Array.from(a.values));
  });

  it('needs training rows', async () => {
    const { pipe } = fixture();
    await expect(limeTabular().explain(pipe, rawMatrix([[0, 0, 0]]))).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});
