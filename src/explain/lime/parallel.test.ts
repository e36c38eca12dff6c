import { afterAll, describe, expect, it } from 'vitest';
import { pipeline } from '../../model/pipeline.js';
import { Rng } from '../../rng.js';
import { fnModel, rawMatrix, tinyEncoder } from '../../../test/conformance/fixtures.js';
import { closeLimeWorkers } from './parallel.js';
import { limeTabular } from './tabular.js';

function fixture() {
  const encoder = tinyEncoder([
    { name: 'income', type: 'numeric' },
    { name: 'age', type: 'numeric' },
    { name: 'colour', type: 'categorical', categories: ['red', 'green', 'blue'] },
  ]);
  const model = fnModel(encoder.outputWidth, 2, (r) => {
    const p = 1 / (1 + Math.exp(-(2 * r[0]! - 0.5 * r[1]! - 1.5 * r[4]!)));
    return [1 - p, p];
  });
  const rng = new Rng(9);
  const train = rawMatrix(Array.from({ length: 300 }, () => [rng.normal(), 20 + rng.int(50), rng.int(3)]));
  const x = rawMatrix([
    [1.5, 30, 2],
    [-0.3, 61, 0],
    [0.2, 44, 1],
  ]);
  return { pipe: pipeline(model, encoder), train, x };
}

afterAll(() => closeLimeWorkers());

describe('LIME tabular sampling threads', () => {
  it('gives byte-identical explanations with 1, 2 and 3 threads (pooled workers started from the .ts sources), twice', async () => {
    const { pipe, train, x } = fixture();
    const run = (threads: number) => limeTabular({ samples: 3000, seed: 5, threads }).explain(pipe, x, { background: train, target: 1 });
    const one = await run(1);
    for (const threads of [2, 3, 2]) {
      const many = await run(threads);
      expect(Array.from(many.values)).toEqual(Array.from(one.values));
      expect(many.extras).toEqual(one.extras);
    }
  });

  it('explains a batch exactly as row by row with workers', async () => {
    const { pipe, train, x } = fixture();
    const explainer = limeTabular({ samples: 3000, seed: 2, threads: 2 });
    const batch = await explainer.explain(pipe, x, { background: train, target: 1 });
    for (let r = 0; r < x.nRows; r++) {
      const single = await explainer.explain(pipe, { data: x.data.slice(r * 3, r * 3 + 3), nRows: 1, nFeatures: 3 }, { background: train, target: 1 });
      expect(Array.from(single.values)).toEqual(Array.from(batch.values.subarray(r * 3, r * 3 + 3)));
    }
  });

  it('stops on an aborted signal between rows and leaves the workers usable', async () => {
    const { pipe, train, x } = fixture();
    const controller = new AbortController();
    const explainer = limeTabular({ samples: 3000, seed: 1, threads: 2 });
    const run = explainer.explain(pipe, x, { background: train, target: 1, signal: controller.signal, onProgress: (done) => done === 1 && controller.abort() });
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    const again = await explainer.explain(pipe, x, { background: train, target: 1 });
    expect(again.values.length).toBe(9);
  });
});
