import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDigitsSource } from '../../src/demos/digits/data.js';
import { loadOnnxGradModel, type OnnxGradModel } from '../../src/model/onnx-grad/public.js';
import { corruptImages } from '../../src/robust/corruptions/corrupt.js';
import { gaussianNoiseWith } from '../../src/robust/corruptions/noise.js';
import { corruptionParams } from '../../src/robust/corruptions/params.js';
import { referencePath, useReference } from '../support/reference.js';

const dir = referencePath('mnist');
const present = useReference('Gaussian-noise corruption reference', ['cnn.onnx', 'samples.json', 'corruptions.json'].map((f) => `mnist/${f}`));

interface Saved {
  pixels: number[][];
  logits: number[][];
  predictions: number[];
}
interface Corruptions {
  sigmas: number[];
  clean_accuracy: number;
  accuracy: Record<string, number>;
  saved: Record<string, Saved>;
  ids: [number, number][];
  labels: number[];
}

const key = (s: number): string => String(s);

describe.skipIf(!present)('corruptions.json: Gaussian noise on mnist/cnn.onnx (first 200 test images)', () => {
  const ref = present ? (JSON.parse(readFileSync(resolve(dir, 'corruptions.json'), 'utf8')) as Corruptions) : undefined;
  const samples = present ? (JSON.parse(readFileSync(resolve(dir, 'samples.json'), 'utf8')) as { ids: [number, number][]; pixels: number[][] }) : undefined;
  let model: OnnxGradModel;
  beforeAll(async () => {
    model = await loadOnnxGradModel(resolve(dir, 'cnn.onnx'), { backend: 'wasm' });
  });
  afterAll(async () => {
    await model?.dispose();
  });

  it('the saved noisy pixels give the stored logits (within 1e-4) and predictions', async () => {
    for (const sigma of ref!.sigmas) {
      const saved = ref!.saved[key(sigma)]!;
      const logits = await model.forward({ data: Float32Array.from(saved.pixels.flat()), shape: [20, 1, 28, 28] }, { output: 'logits' });
      const diff = saved.logits.flat().reduce((m, v, i) => Math.max(m, Math.abs(v - logits[i]!)), 0);
      expect(diff, `sigma ${sigma}`).toBeLessThan(1e-4);
      const predicted = saved.predictions.map((_, r) => argmax(logits.subarray(r * 10, (r + 1) * 10)));
      expect(predicted).toEqual(saved.predictions);
    }
  });

  it('severities 1–5 of the MNIST table are the reference sigmas', () => {
    expect([1, 2, 3, 4, 5].map((s) => corruptionParams('gaussian_noise', s as 1, 'mnist', 28, 28).sigma)).toEqual(ref!.sigmas);
  });

  it('clip(x + σz) in float64 → float32 reproduces every saved pixel of every σ with one shared z', () => {
    // Each saved float32 value confines z to an interval (its rounding cell, mapped back through
    // x + σz; a clipped 0 or 1 to a half-line). One z per pixel serves all five sigmas, so the five
    // intervals must intersect; the formula fed that z must then give every saved pixel exactly.
    expect(samples!.ids.slice(0, 20)).toEqual(ref!.ids.slice(0, 20));
    const x = samples!.pixels.flat();
    const saved = ref!.sigmas.map((sigma) => ref!.saved[key(sigma)]!.pixels.flat());
    const z = new Float64Array(x.length);
    let empty = 0;
    let unclipped = 0;
    x.forEach((v, i) => {
      let lo = -Infinity;
      let hi = Infinity;
      ref!.sigmas.forEach((sigma, k) => {
        const s = saved[k]![i]!;
        if (s <= 0) hi = Math.min(hi, -v / sigma);
        else if (s >= 1) lo = Math.max(lo, (1 - v) / sigma);
        else {
          const half = ulp32(s) / 2;
          lo = Math.max(lo, (s - half - v) / sigma);
          hi = Math.min(hi, (s + half - v) / sigma);
        }
      });
      if (lo > hi) empty++;
      if (Number.isFinite(lo) && Number.isFinite(hi)) unclipped++;
      z[i] = Number.isFinite(lo) && Number.isFinite(hi) ? (lo + hi) / 2 : Number.isFinite(lo) ? lo + 1 : hi - 1;
    });
    expect(empty).toBe(0);
    expect(unclipped).toBeGreaterThan(7000);
    ref!.sigmas.forEach((sigma, k) => {
      const ours = gaussianNoiseWith(x, z, sigma);
      const mismatched = saved[k]!.filter((s, i) => ours[i] !== Math.fround(s)).length;
      expect(mismatched, `sigma ${sigma}`).toBe(0);
    });
  });

  it('our own noise at the same sigmas gives accuracies within sampling error of the reference', async () => {
    const { pixels, labels } = readDigitsSource();
    const start = new Int32Array(11);
    for (const l of labels) start[l + 1]!++;
    for (let d = 1; d <= 10; d++) start[d]! += start[d - 1]!;
    const x = new Float32Array(200 * 784);
    ref!.ids.forEach(([digit, index], r) => x.set(pixels.subarray((start[digit]! + index) * 784, (start[digit]! + index + 1) * 784), r * 784));
    const images = { data: x, shape: [200, 1, 28, 28] };
    const accuracy = async (t: { data: Float32Array; shape: number[] }): Promise<number> => {
      const logits = await model.forward(t, { output: 'logits' });
      return ref!.labels.filter((l, r) => argmax(logits.subarray(r * 10, (r + 1) * 10)) === l).length / 200;
    };
    expect(await accuracy(images)).toBe(ref!.clean_accuracy);
    for (const [s, sigma] of ref!.sigmas.entries()) {
      const noisy = await corruptImages(images, 'gaussian_noise', (s + 1) as 1, { seed: 0 });
      const ours = await accuracy({ data: noisy.data, shape: [200, 1, 28, 28] });
      const p = ref!.accuracy[key(sigma)]!;
      // two independent noise draws on the same 200 images: the difference has sd ≤ sqrt(2p(1−p)/200)
      expect(Math.abs(ours - p), `sigma ${sigma}: ours ${ours}, reference ${p}`).toBeLessThanOrEqual(3.5 * Math.sqrt((2 * p * (1 - p)) / 200) + 1e-9);
    }
  });
});

/** The spacing of float32 values around v (0 < v < 1). */
function ulp32(v: number): number {
  return 2 ** (Math.floor(Math.log2(v)) - 23);
}

function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}
