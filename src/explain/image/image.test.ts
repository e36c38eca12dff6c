import { describe, expect, it } from 'vitest';
import { imageKind } from '../../../test/conformance/input-kinds.js';
import { limeImage } from './lime-image.js';
import { quickshift } from './quickshift.js';
import { slic } from './slic.js';

/** A 3-channel 16×16 image of four flat quadrants (red, green, blue, white). */
function quadrants(): Float32Array {
  const img = new Float32Array(3 * 256);
  const colour = (y: number, x: number): number[] => (y < 8 ? (x < 8 ? [1, 0, 0] : [0, 1, 0]) : x < 8 ? [0, 0, 1] : [1, 1, 1]);
  for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) colour(y, x).forEach((v, c) => (img[c * 256 + y * 16 + x] = v));
  return img;
}

function purity(labels: Int32Array, count: number): number {
  let pure = 0;
  for (let k = 0; k < count; k++) {
    const quads = new Set<number>();
    labels.forEach((l, p) => {
      if (l === k) quads.add((Math.floor(p / 16) < 8 ? 0 : 2) + (p % 16 < 8 ? 0 : 1));
    });
    if (quads.size === 1) pure++;
  }
  return pure / count;
}

describe('superpixels', () => {
  it('SLIC and quickshift never merge differently coloured quadrants', () => {
    const img = quadrants();
    const s = slic(img, 3, 16, 16, { nSegments: 16 });
    expect(s.count).toBeGreaterThanOrEqual(4);
    expect(purity(s.labels, s.count)).toBe(1);
    const q = quickshift(img, 3, 16, 16, { kernelSize: 2, maxDist: 6, ratio: 0.5 });
    expect(q.count).toBeGreaterThanOrEqual(4);
    expect(purity(q.labels, q.count)).toBe(1);
  });
});

/** P(class 1) follows the mean red intensity of the top-left quadrant (the conformance suite's image model). */
const { model } = imageKind();

describe('limeImage', () => {
  it('gives the top-left superpixels the largest weights', async () => {
    const img = quadrants();
    // hiding with the mean colour would keep the mean intensity this model reads, so hide with black
    const a = await limeImage({ samples: 300, hideColor: 0, segmentation: { method: 'slic', nSegments: 16, compactness: 10 } }).explain(model, { data: img, shape: [1, 3, 16, 16] }, { target: 1 });
    const weights = (a.extras as { segmentWeights: number[][]; segments: number[][] }).segmentWeights[0]!;
    const segments = (a.extras as { segments: number[][] }).segments[0]!;
    const topLeft = new Set(segments.filter((_, p) => Math.floor(p / 16) < 8 && p % 16 < 8));
    const abs = weights.map(Math.abs);
    const best = abs.indexOf(Math.max(...abs));
    expect(weights[best]!).toBeGreaterThan(0);
    expect(topLeft.has(best)).toBe(true);
    expect(a.shape).toEqual([1, 16, 16]);
  });
});

// The shared conformance suite runs limeImage from test/conformance/registry.test.ts.
