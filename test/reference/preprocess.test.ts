import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encoderFromPreprocessJson, encoderToJson, encoderFromJson, fitEncoder, rawMatrixFromRecords } from '../../src/encode/public.js';
import { referencePath, useReference } from '../support/reference.js';

const dir = referencePath('german-credit');
const present = useReference('preprocess reference tests', ['german-credit/preprocess.json', 'german-credit/mlp_inputs_outputs.json']);

interface Reference {
  raw: Record<string, unknown>[];
  inputs: number[][];
}

describe.skipIf(!present)('german-credit preprocess.json → mlp_inputs_outputs.json inputs', () => {
  const load = (name: string): unknown => JSON.parse(readFileSync(resolve(dir, name), 'utf8'));

  it('encodes the 50 reference rows bit for bit (float32)', () => {
    const encoder = encoderFromPreprocessJson(load('preprocess.json'));
    const reference = load('mlp_inputs_outputs.json') as Reference;
    expect(encoder.outputWidth).toBe(61);
    const raw = rawMatrixFromRecords(reference.raw, encoder.features, 'mlp_inputs_outputs.json raw');
    const encoded = encoder.encode(raw);
    const expected = Float32Array.from(reference.inputs.flat());
    expect(reference.inputs.length).toBe(50);
    expect(encoded.length).toBe(expected.length);
    let mismatches = 0;
    for (let k = 0; k < expected.length; k++) if (!Object.is(encoded[k], expected[k])) mismatches++;
    expect(mismatches).toBe(0);
    // the reference stores float32 values as exact float64 numbers: compare those too
    expect(Array.from(encoded)).toEqual(reference.inputs.flat());
  });

  it('records the raw column of every input (offsets and widths of preprocess.json)', () => {
    const json = load('preprocess.json') as { steps: { column: string; offset: number; width: number }[] };
    const encoder = encoderFromPreprocessJson(json);
    expect(encoder.features.map((f) => [f.name, f.offset, f.width])).toEqual(json.steps.map((s) => [s.column, s.offset, s.width]));
  });

  it('survives a save/load round trip unchanged', () => {
    const encoder = encoderFromPreprocessJson(load('preprocess.json'));
    const again = encoderFromJson(JSON.parse(JSON.stringify(encoderToJson(encoder))));
    const reference = load('mlp_inputs_outputs.json') as Reference;
    const raw = rawMatrixFromRecords(reference.raw, encoder.features);
    expect(Array.from(again.encode(raw))).toEqual(reference.inputs.flat());
  });

  it('fitEncoder on the reference rows gives zero-mean, unit-std standardized columns', () => {
    const encoder = encoderFromPreprocessJson(load('preprocess.json'));
    const reference = load('mlp_inputs_outputs.json') as Reference;
    const raw = rawMatrixFromRecords(reference.raw, encoder.features);
    const fitted = fitEncoder(raw, encoder.features);
    // same layout as the reference (standardize numerics, one-hot categoricals in the same order)
    expect(fitted.features.map((f) => [f.name, f.offset, f.width])).toEqual(encoder.features.map((f) => [f.name, f.offset, f.width]));
    const x = fitted.encode(raw);
    const ageOffset = fitted.features.find((f) => f.name === 'age')!.offset;
    let sum = 0;
    for (let i = 0; i < raw.nRows; i++) sum += x[i * 61 + ageOffset]!;
    expect(Math.abs(sum / raw.nRows)).toBeLessThan(1e-6);
  });
});
