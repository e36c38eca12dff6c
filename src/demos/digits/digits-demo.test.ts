import { describe, expect, it } from 'vitest';
import { isDifferentiable, isStochastic } from '../../model/capabilities.js';
import type { TfjsLayersModel } from '../../model/tfjs/layers-model.js';
import { sliceRows } from '../../model/tensor.js';
import { loadDemo } from '../index.js';
import { loadDigitsData } from './data.js';
import type { DigitsDemo } from './index.js';

describe('digits demo', () => {
  it('splits the 10,000 mnist digits deterministically, stratified 80/20', () => {
    const a = loadDigitsData(0);
    const b = loadDigitsData(0);
    const c = loadDigitsData(1);
    expect(a.table.nRows).toBe(10_000);
    expect(a.table.rowIds).toEqual(b.table.rowIds);
    expect(a.table.rowIds).not.toEqual(c.table.rowIds);
    const perClass = new Int32Array(10);
    const testPerClass = new Int32Array(10);
    for (let i = 0; i < a.labels.length; i++) {
      perClass[a.labels[i]!]! += 1;
      testPerClass[a.labels[i]!]! += a.isTest[i]!;
    }
    for (let k = 0; k < 10; k++) expect(Math.abs(testPerClass[k]! - 0.2 * perClass[k]!)).toBeLessThanOrEqual(0.5);
    // pixels in [0, 1]; ink is the mean pixel value of the row's image
    const ink = (a.table.columns.find((col) => col.name === 'ink') as { values: Float64Array }).values;
    let sum = 0;
    for (let k = 0; k < 784; k++) sum += a.images.data[784 * 17 + k]!;
    expect(ink[17]).toBeCloseTo(sum / 784, 6);
  });

  it('loads the committed CNN with test accuracy ≥ 0.9 and Grad-CAM-ready layers', async () => {
    const demo = (await loadDemo('digits')) as DigitsDemo;
    expect(demo.modelSource).toBe('artifact');
    expect(demo.model.classes).toHaveLength(10);
    expect(isDifferentiable(demo.model) && isStochastic(demo.model)).toBe(true);
    const testRows: number[] = [];
    for (let i = 0; i < demo.data.isTest.length; i++) if (demo.data.isTest[i]) testRows.push(i);
    const size = 784;
    const x = new Float32Array(testRows.length * size);
    testRows.forEach((row, i) => x.set(demo.inputs.data.subarray(row * size, (row + 1) * size), i * size));
    const p = await demo.model.predict({ data: x, shape: [testRows.length, 28, 28, 1] });
    let correct = 0;
    testRows.forEach((row, i) => {
      let best = 0;
      for (let k = 1; k < 10; k++) if (p[i * 10 + k]! > p[i * 10 + best]!) best = k;
      if (best === demo.data.labels[row]) correct++;
    });
    expect(correct / testRows.length).toBeGreaterThanOrEqual(0.9);
    const model = demo.model as TfjsLayersModel;
    expect(model.layerNames).toContain('conv2');
    const cam = await model.layerGradients(sliceRows(demo.inputs, 0, 4), 'conv2', demo.data.labels.subarray(0, 4));
    expect(cam.activation.shape).toEqual([4, 11, 11, 16]);
  });
});

describe('digits checkpoints for VoG', () => {
  it('loads the committed float16 checkpoints in training order, ending with the demo model', async () => {
    const { loadDigitsCheckpoints } = await import('./index.js');
    const { models, steps, locations, demo } = await loadDigitsCheckpoints();
    expect(steps).toEqual([75, 150, 225, 300, 375]);
    expect(locations.every((l) => l !== 'trained')).toBe(true);
    expect(models[4]).toBe(demo.model);
    // the weights move over training: each checkpoint differs from the next, and less so as training settles
    const kernel = (i: number): Float32Array => models[i]!.getWeights().get('conv1/kernel')!.data;
    const distance = (a: Float32Array, b: Float32Array): number => Math.sqrt(a.reduce((s, v, k) => s + (v - b[k]!) ** 2, 0));
    const moves = [0, 1, 2, 3].map((i) => distance(kernel(i), kernel(i + 1)));
    expect(Math.min(...moves)).toBeGreaterThan(0);
    expect(moves[3]!).toBeLessThan(moves[0]!);
  });
});
