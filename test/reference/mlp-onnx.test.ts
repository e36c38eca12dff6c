import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encoderFromPreprocessJson, rawMatrixFromRecords } from '../../src/encode/public.js';
import { loadOnnxModel, pipeline, type OnnxModel } from '../../src/model/public.js';
import { referencePath, useReference } from '../support/reference.js';

const dir = referencePath('german-credit');
const present = useReference('mlp.onnx reference tests', ['german-credit/mlp.onnx', 'german-credit/mlp_inputs_outputs.json']);

interface Reference {
  raw: Record<string, unknown>[];
  inputs: number[][];
  probabilities: number[][];
}

describe.skipIf(!present)('german-credit mlp.onnx through the ONNX adapter', () => {
  const reference = present ? (JSON.parse(readFileSync(resolve(dir, 'mlp_inputs_outputs.json'), 'utf8')) as Reference) : undefined;
  const models: OnnxModel[] = [];
  afterAll(async () => {
    await Promise.all(models.map((m) => m.dispose()));
  });

  it('matches the torch probabilities within 1e-6 on the 50 reference rows', async () => {
    const model = await loadOnnxModel(resolve(dir, 'mlp.onnx'), { classes: ['good', 'bad'], batchSize: 7, threads: 1 });
    models.push(model);
    expect(model.inputName).toBe('input');
    expect(model.outputName).toBe('probabilities');
    expect(model.inputSpec.shape).toEqual([null, 61]);
    expect(model.outputKind).toBe('probabilities'); // the graph ends in Softmax
    const ref = reference!;
    const p = await model.predict({ data: Float32Array.from(ref.inputs.flat()), shape: [ref.inputs.length, 61] });
    const expected = ref.probabilities.flat();
    let maxDiff = 0;
    expected.forEach((v, k) => (maxDiff = Math.max(maxDiff, Math.abs(p[k]! - v))));
    console.info(`mlp.onnx vs torch probabilities: max |diff| = ${maxDiff.toExponential(2)} over ${expected.length} values`);
    expect(maxDiff).toBeLessThanOrEqual(1e-6);
  });

  it('gives the same probabilities from raw rows through preprocess.json (pipeline)', async () => {
    const model = await loadOnnxModel(resolve(dir, 'mlp.onnx'), { threads: 1 });
    models.push(model);
    const encoder = encoderFromPreprocessJson(JSON.parse(readFileSync(resolve(dir, 'preprocess.json'), 'utf8')));
    const ref = reference!;
    const p = await pipeline(model, encoder).predictRaw(rawMatrixFromRecords(ref.raw, encoder.features));
    ref.probabilities.flat().forEach((v, k) => expect(Math.abs(p[k]! - v)).toBeLessThanOrEqual(1e-6));
  });
});
