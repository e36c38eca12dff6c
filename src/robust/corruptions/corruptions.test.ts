import { describe, expect, it } from 'vitest';
import { readDigitsSource } from '../../demos/digits/data.js';
import { permuteImages } from '../../model/image-layout.js';
import type { Tensor } from '../../model/tensor.js';
import { corruptImages } from './corrupt.js';
import { corruptionParams } from './params.js';
import { CORRUPTION_NAMES, type Severity } from './types.js';

const STOCHASTIC = CORRUPTION_NAMES.filter((n) => !['defocus_blur', 'zoom_blur', 'brightness', 'contrast', 'pixelate', 'jpeg_compression'].includes(n));

function digits(n: number): Tensor {
  const { pixels } = readDigitsSource();
  return { data: pixels.slice(0, n * 784), shape: [n, 1, 28, 28] };
}

/** A smooth colour test card: gradients and a disc, values in [0, 1]. */
function card(n: number, c: number, h: number, w: number): Tensor {
  const data = new Float32Array(n * c * h * w);
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const disc = (x - w / 2) ** 2 + (y - h / 2) ** 2 < (Math.min(h, w) / 4) ** 2 ? 0.4 : 0;
          data[((i * c + ch) * h + y) * w + x] = Math.min(1, 0.1 + (0.5 * (x + ch * 3 + i)) / (w + 10) + 0.3 * (y / h) * ((ch + 1) / c) + disc);
        }
      }
    }
  }
  return { data, shape: [n, c, h, w] };
}

const rms = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s / a.length);
};

describe('ImageNet-C corruptions', () => {
  const x = digits(24);

  it('are deterministic under a seed, independent of batching, and change with the seed', async () => {
    for (const name of CORRUPTION_NAMES) {
      const a = await corruptImages(x, name, 3, { seed: 7 });
      const b = await corruptImages(x, name, 3, { seed: 7 });
      expect(Buffer.from(a.data.buffer).equals(Buffer.from(b.data.buffer)), name).toBe(true);
      // the images from 5 on, corrupted as their own batch that starts at index 5
      const tail = await corruptImages({ data: x.data.slice(5 * 784), shape: [19, 1, 28, 28] }, name, 3, { seed: 7, firstIndex: 5 });
      expect(Buffer.from(tail.data.buffer).equals(Buffer.from(a.data.buffer, 5 * 784 * 4)), name).toBe(true);
      if (STOCHASTIC.includes(name)) {
        const c = await corruptImages(x, name, 3, { seed: 8 });
        expect(rms(a.data, c.data), name).toBeGreaterThan(0);
      }
    }
  });

  it('keep shape, layout and the value range for grey and colour images of any size and channel count', async () => {
    const shapes: [number, number, number, number][] = [[2, 3, 20, 30], [2, 4, 33, 17], [2, 2, 40, 40], [1, 3, 100, 90]];
    for (const [n, c, h, w] of shapes) {
      const img = card(n, c, h, w);
      for (const name of CORRUPTION_NAMES) {
        const y = await corruptImages(img, name, 5, { seed: 1, layout: 'nchw' });
        expect(y.shape, name).toEqual(img.shape);
        for (const v of y.data) if (!(v >= 0 && v <= 1)) throw new Error(`${name} [${img.shape.join(',')}] gave ${v}`);
        expect(rms(y.data, img.data), `${name} [${img.shape.join(',')}]`).toBeGreaterThan(0);
      }
    }
    const grey3 = await corruptImages({ data: x.data, shape: [24, 28, 28] }, 'fog', 2, { seed: 3 });
    const grey4 = await corruptImages(x, 'fog', 2, { seed: 3 });
    expect(grey3.data).toEqual(grey4.data);
  });

  it('give the same pixels for channels-last input as for channels-first', async () => {
    const img = card(2, 3, 24, 24);
    const last = permuteImages(img, 'nchw');
    for (const name of CORRUPTION_NAMES) {
      const first = await corruptImages(img, name, 4, { seed: 2, layout: 'nchw' });
      const viaLast = await corruptImages(last, name, 4, { seed: 2, layout: 'nhwc' });
      expect(viaLast.shape).toEqual([2, 24, 24, 3]);
      expect(Array.from(permuteImages(viaLast, 'nhwc').data), name).toEqual(Array.from(first.data));
    }
  });

  it('move digits further from the original as the severity grows', async () => {
    // elastic_transform, pixelate and fog are not monotone in pixel distance in the reference tables
    // themselves (elastic severities 1–2 are large smooth warps, 3–5 small local ones; PIL's box
    // resampling aliases at 0.6 more than at 0.5); their trend is checked on a model's accuracy instead.
    const monotone = CORRUPTION_NAMES.filter((n) => !['elastic_transform', 'pixelate', 'fog'].includes(n));
    for (const name of monotone) {
      const distances: number[] = [];
      for (const s of [1, 2, 3, 4, 5] as const) distances.push(rms((await corruptImages(x, name, s, { seed: 4 })).data, x.data));
      for (let s = 1; s < 5; s++) expect(distances[s]!, `${name} ${distances.map((d) => d.toFixed(3)).join(' ')}`).toBeGreaterThan(distances[s - 1]! - 0.005);
      expect(distances[4]!, name).toBeGreaterThan(distances[0]!);
    }
  });

  it('apply the closed forms of the photometric corruptions', async () => {
    const img = card(1, 3, 16, 16);
    const c = corruptionParams('contrast', 2, 'cifar', 16, 16).factor as number;
    const y = await corruptImages(img, 'contrast', 2, { regime: 'cifar' });
    let mean = 0;
    for (let i = 0; i < 256; i++) mean += img.data[i]! / 256;
    expect(y.data[10]).toBeCloseTo((img.data[10]! - mean) * c + mean, 6);
    // brightness on grey is clip(x + c); on RGB it keeps hue and saturation (channel ratios)
    const b = await corruptImages(x, 'brightness', 3, {});
    x.data.forEach((v, i) => expect(b.data[i]).toBeCloseTo(Math.min(1, v + 0.3), 6));
    const rgb = await corruptImages(img, 'brightness', 1, { regime: 'imagenet' });
    const [r0, g0, b0] = [img.data[40]!, img.data[256 + 40]!, img.data[512 + 40]!];
    const [r1, g1, b1] = [rgb.data[40]!, rgb.data[256 + 40]!, rgb.data[512 + 40]!];
    expect(Math.max(r1, g1, b1)).toBeCloseTo(Math.min(1, Math.max(r0, g0, b0) + 0.1), 6);
    expect(r1 / b1).toBeCloseTo(r0 / b0, 5);
    expect(g1 / b1).toBeCloseTo(g0 / b0, 5);
  });

  it('impulse and Gaussian noise have the reference rates and spread', async () => {
    const grey = { data: new Float32Array(20000).fill(0.5), shape: [1, 1, 100, 200] };
    const imp = await corruptImages(grey, 'impulse_noise', 4, { seed: 5, regime: 'imagenet' });
    const flipped = imp.data.filter((v) => v !== 0.5).length;
    // amount 0.17 over 20,000 values: binomial sd ≈ 53
    expect(Math.abs(flipped - 3400)).toBeLessThan(4 * 53);
    const g = await corruptImages(grey, 'gaussian_noise', 2, { seed: 5, regime: 'imagenet' });
    let s = 0;
    for (const v of g.data) s += (v - 0.5) ** 2;
    expect(Math.sqrt(s / 20000)).toBeCloseTo(0.12, 2);
    const shot = await corruptImages(grey, 'shot_noise', 3, { seed: 5, regime: 'imagenet' });
    let m = 0;
    let v2 = 0;
    for (const v of shot.data) m += v / 20000;
    for (const v of shot.data) v2 += (v - m) ** 2 / 20000;
    // Poisson(0.5·12)/12: mean 0.5, variance 6/144
    expect(m).toBeCloseTo(0.5, 2);
    expect(v2).toBeCloseTo(6 / 144, 2);
  });

  it('compress JPEG mosaics as if each image were compressed alone', async () => {
    const all = await corruptImages(x, 'jpeg_compression', 5, {});
    const img = card(3, 3, 24, 20);
    const colour = await corruptImages(img, 'jpeg_compression', 2, { regime: 'imagenet' });
    for (let i = 0; i < 3; i++) {
      const one = await corruptImages({ data: x.data.slice(i * 784, (i + 1) * 784), shape: [1, 1, 28, 28] }, 'jpeg_compression', 5, {});
      expect(Array.from(one.data), `grey image ${i}`).toEqual(Array.from(all.data.subarray(i * 784, (i + 1) * 784)));
      const size = 3 * 24 * 20;
      const alone = await corruptImages({ data: img.data.slice(i * size, (i + 1) * size), shape: [1, 3, 24, 20] }, 'jpeg_compression', 2, { regime: 'imagenet' });
      let worst = 0;
      for (let k = 0; k < size; k++) worst = Math.max(worst, Math.abs(alone.data[k]! - colour.data[i * size + k]!));
      expect(worst, `colour image ${i}`).toBeLessThanOrEqual(4 / 255 + 1e-6);
    }
  });

  it('refuse bad severities and shapes with the argument to fix', async () => {
    await expect(corruptImages(x, 'fog', 6 as Severity)).rejects.toThrow(/Severity 6/);
    await expect(corruptImages({ data: new Float32Array(10), shape: [10] }, 'fog', 1)).rejects.toThrow(/need images/);
  });
});
