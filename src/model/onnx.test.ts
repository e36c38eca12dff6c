import { describe, expect, it } from 'vitest';
import { linearModelBytes, writeModel, type LinearModelOptions } from '../../test/fixtures/models/build-onnx.js';
import { loadOnnxModel } from './onnx.js';
import { caughtGlassboxError } from '../../test/support/errors.js';

// Two inputs, three outputs: z = x·W + b.
const W = [
  [1, -2, 0.5],
  [3, 1, -1],
];
const b = [0.1, 0.2, -0.3];

function affine(x: number[], weights: readonly (readonly number[])[], bias: readonly number[]): number[] {
  return bias.map((bk, k) => x.reduce((s, xi, i) => s + xi * weights[i]![k]!, bk));
}

function softmax(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, v) => a + v, 0);
  return e.map((v) => v / s);
}

const rows = [
  [0.5, -1],
  [2, 0.25],
  [-1.5, 3],
  [0, 0],
  [1, 1],
];
const x = Float32Array.from(rows.flat());

async function load(name: string, model: LinearModelOptions, options: Parameters<typeof loadOnnxModel>[1] = {}) {
  return loadOnnxModel(writeModel(name, linearModelBytes(model)), options);
}


describe('loadOnnxModel', () => {
  it('reads names and shapes and leaves a Softmax head as is', async () => {
    const model = await load('softmax.onnx', { weights: W, bias: b, activation: 'Softmax' });
    expect(model.inputName).toBe('input');
    expect(model.outputName).toBe('output');
    expect(model.inputSpec.shape).toEqual([null, 2]);
    expect(model.task).toBe('multiclass');
    expect(model.classes).toEqual(['0', '1', '2']);
    expect(model.outputKind).toBe('probabilities');
    const p = await model.predict({ data: x, shape: [5, 2] });
    const raw = await model.session.run({ input: new (await import('onnxruntime-node')).Tensor('float32', x, [5, 2]) });
    expect(Array.from(p)).toEqual(Array.from(raw.output!.data as Float32Array));
    await model.dispose();
  });

  it('detects logits and applies softmax (auto), identical for any batch size', async () => {
    const whole = await load('logits.onnx', { weights: W, bias: b }, { batchSize: 1024 });
    const small = await load('logits.onnx', { weights: W, bias: b }, { batchSize: 2 });
    const p = await whole.predict({ data: x, shape: [5, 2] });
    expect(whole.outputKind).toBe('logits');
    rows.forEach((row, i) => {
      const expected = softmax(affine(row, W, b));
      expected.forEach((v, k) => expect(p[i * 3 + k]).toBeCloseTo(v, 6));
    });
    expect(Array.from(await small.predict({ data: x, shape: [5, 2] }))).toEqual(Array.from(p));
    await Promise.all([whole.dispose(), small.dispose()]);
  });

  it('treats LogSoftmax as logits, so its probabilities are the softmax', async () => {
    const model = await load('logsoftmax.onnx', { weights: W, bias: b, activation: 'LogSoftmax' });
    expect(model.outputKind).toBe('logits');
    const p = await model.predict({ data: x, shape: [5, 2] });
    rows.forEach((row, i) => softmax(affine(row, W, b)).forEach((v, k) => expect(p[i * 3 + k]).toBeCloseTo(v, 6)));
  });

  it('turns one logit column into [1 - p, p] with the sigmoid', async () => {
    const model = await load('logit1.onnx', { weights: [[2], [-1]], bias: [0.5] });
    expect(model.task).toBe('binary');
    expect(model.outputWidth).toBe(2);
    const p = await model.predict({ data: x, shape: [5, 2] });
    expect(model.outputKind).toBe('logits');
    rows.forEach((row, i) => {
      const z = 2 * row[0]! - row[1]! + 0.5;
      const q = 1 / (1 + Math.exp(-z));
      expect(p[i * 2 + 1]).toBeCloseTo(q, 6);
      expect(p[i * 2]! + p[i * 2 + 1]!).toBeCloseTo(1, 6);
    });
  });

  it('keeps one Sigmoid column as the positive-class probability', async () => {
    const model = await load('sigmoid1.onnx', { weights: [[2], [-1]], bias: [0.5], activation: 'Sigmoid' }, { classes: ['good', 'bad'] });
    expect(model.classes).toEqual(['good', 'bad']);
    expect(model.outputKind).toBe('probabilities');
    const p = await model.predict({ data: x, shape: [5, 2] });
    const z = 2 * 0.5 + 1 + 0.5;
    expect(p[1]).toBeCloseTo(1 / (1 + Math.exp(-z)), 6);
  });

  it('obeys the outputKind override and returns regression values untouched', async () => {
    const forced = await load('logits-forced.onnx', { weights: [[0.1, 0.2], [0.3, 0.1]], bias: [0, 0] }, { outputKind: 'logits' });
    const p = await forced.predict({ data: Float32Array.from([1, 1]), shape: [1, 2] });
    const expected = softmax([0.4, 0.3]);
    expect(p[0]).toBeCloseTo(expected[0]!, 6);
    const regression = await load('regression.onnx', { weights: [[2], [-1]], bias: [0.5] }, { task: 'regression' });
    expect(regression.outputWidth).toBe(1);
    expect(regression.classes).toEqual([]);
    expect(Array.from(await regression.predict({ data: x, shape: [5, 2] }))).toEqual(rows.map((r) => Math.fround(2 * r[0]! - r[1]! + 0.5)));
  });

  it('errors when later outputs contradict an auto "probabilities" decision', async () => {
    const model = await load('ambiguous.onnx', { weights: [[1], [0]], bias: [0] });
    await model.predict({ data: Float32Array.from([0.3, 0]), shape: [1, 2] });
    expect(model.outputKind).toBe('probabilities');
    const error = await caughtGlassboxError(() => model.predict({ data: Float32Array.from([0.2, 0, 4, 0]), shape: [2, 2] }));
    expect(error.message).toContain('row 1 is not');
    expect(error.details.hint).toContain("outputKind 'logits'");
  });

  it('names the culprit for missing files, non-ONNX files and bad names', async () => {
    expect((await caughtGlassboxError(() => loadOnnxModel('/nonexistent/model.onnx'))).message).toBe('ONNX model file /nonexistent/model.onnx does not exist');
    const text = writeModel('not-onnx.onnx', new TextEncoder().encode('this is not a model'));
    const notOnnx = await caughtGlassboxError(() => loadOnnxModel(text));
    expect(notOnnx.code).toBe('unsupported_model');
    expect(notOnnx.message).toContain('not-onnx.onnx is not an ONNX model');
    const path = writeModel('names.onnx', linearModelBytes({ weights: W, bias: b }));
    expect((await caughtGlassboxError(() => loadOnnxModel(path, { inputName: 'pixels' }))).message).toContain('has no input named "pixels"; its inputs are input');
    expect((await caughtGlassboxError(() => loadOnnxModel(path, { outputName: 'probs' }))).message).toContain('has no output named "probs"; its outputs are output');
    const two = writeModel('two-inputs.onnx', linearModelBytes({ weights: W, bias: b, secondInput: true }));
    expect((await caughtGlassboxError(() => loadOnnxModel(two))).message).toContain('has 2 inputs (input, extra)');
    const ints = writeModel('int-input.onnx', linearModelBytes({ weights: W, bias: b, int64Input: true }));
    expect((await caughtGlassboxError(() => loadOnnxModel(ints))).message).toContain('input "input" is int64');
    expect((await caughtGlassboxError(() => loadOnnxModel(path, { batchSize: 0 }))).details.argument).toBe('batchSize');
    expect((await caughtGlassboxError(() => loadOnnxModel(path, { classes: ['a', 'b'] }))).message).toContain('2 classes were given but the model outputs 3 columns');
  });

  it('rejects an input of the wrong width before running, naming expected and given', async () => {
    const model = await load('width.onnx', { weights: W, bias: b });
    const error = await caughtGlassboxError(() => model.predict({ data: new Float32Array(6), shape: [2, 3] }));
    expect(error.code).toBe('shape_mismatch');
    expect(error.message).toContain('input "input" expects 2 values per row ([batch, 2]) but was given 3 ([2, 3])');
  });

  it('reports a NaN output with its row, and stops when the signal fires', async () => {
    const model = await load('nan.onnx', { weights: W, bias: b, activation: 'Softmax' });
    const error = await caughtGlassboxError(() => model.predict({ data: Float32Array.from([1, 1, NaN, 1]), shape: [2, 2] }));
    expect(error.message).toContain('for row 1');
    const controller = new AbortController();
    controller.abort();
    expect((await caughtGlassboxError(() => model.predict({ data: x, shape: [5, 2] }, { signal: controller.signal }))).code).toBe('cancelled');
  });

  it('finds the output width by probing when the graph leaves it symbolic', async () => {
    const model = await load('symbolic.onnx', { weights: W, bias: b, activation: 'Softmax', symbolicOutputWidth: true });
    expect(model.outputWidth).toBe(3);
  });

  it('accepts model bytes as well as a path', async () => {
    const model = await loadOnnxModel(linearModelBytes({ weights: W, bias: b, activation: 'Softmax' }));
    expect(model.outputWidth).toBe(3);
  });
});
