import { gatherRows, type Tensor } from '../model/tensor.js';
import { parseRowRange } from './options.js';

/** An image demo's data: every image, its label, and whether it is in the test split. */
export interface DemoImageData {
  readonly isTest: Uint8Array;
  readonly labels: Int32Array;
  readonly images: Tensor;
}

/**
 * The test split's images picked by `--rows a:b` (positions within the test split; all, or the first
 * `defaultCount`, when absent), with their labels and data row ids.
 */
export function demoTestImages(data: DemoImageData, tableRowIds: Int32Array, rows: string | undefined, defaultCount?: number): { x: Tensor; labels: Int32Array; rowIds: Int32Array } {
  const test: number[] = [];
  for (let i = 0; i < data.isTest.length; i++) if (data.isTest[i]) test.push(i);
  const [start, end] = parseRowRange(rows, test.length, defaultCount);
  const picked = Int32Array.from(test.slice(start, end));
  return {
    x: gatherRows(data.images, picked),
    labels: picked.map((row) => data.labels[row]!),
    rowIds: picked.map((row) => tableRowIds[row]!),
  };
}
