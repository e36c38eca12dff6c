import { describe, expect, it } from 'vitest';
import { pipeline } from '../../model/pipeline.js';
import { Rng } from '../../rng.js';
import { fnModel, rawMatrix, tinyEncoder } from '../../../test/conformance/fixtures.js';
import { TargetPredictor } from './predict.js';

describe('TargetPredictor', () => {
  it('returns the target column of the model outputs across several encode batches, and every column for predictAll', async () => {
    const encoder = tinyEncoder([
      { name: 'a', type: 'numeric' },
      { name: 'c', type: 'categorical', categories: ['x', 'y'] },
    ]);
    const model = fnModel(encoder.outputWidth, 3, (r) => [r[0]!, r[1]! + 2 * r[2]!, r[0]! * r[2]!]);
    const rng = new Rng(2);
    const raw = rawMatrix(Array.from({ length: 9001 }, () => [rng.normal(), rng.int(2)]));
    const predictor = new TargetPredictor(pipeline(model, encoder));
    const out = new Float64Array(raw.nRows);
    await predictor.predict(raw, 1, out);
    const all = await predictor.predictAll(raw);
    expect(all.length).toBe(3 * raw.nRows);
    for (let i = 0; i < raw.nRows; i++) expect(out[i]).toBe(all[3 * i + 1]);
    expect(model.calls).toBe(3); // two batches of samples (8192 + 809 rows) + one call for predictAll
  });
});
