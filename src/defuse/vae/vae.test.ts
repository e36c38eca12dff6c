import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initTf, tf } from '../../model/tfjs/backend.js';
import { Rng } from '../../rng.js';
import { trainVae } from './train.js';
import { loadVae } from './vae.js';

/** n 8×8 images: class 0 a horizontal bar, class 1 a vertical bar, at a seeded position, with faint noise. */
function bars(n: number, seed: number): { x: Float32Array; labels: Int32Array } {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 64);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    const at = 1 + rng.int(6);
    labels[i] = c;
    for (let r = 0; r < 8; r++) for (let k = 0; k < 8; k++) x[i * 64 + r * 8 + k] = (c === 0 ? r === at : k === at) ? 0.9 + 0.1 * rng.next() : 0.05 * rng.next();
  }
  return { x, labels };
}

const dir = await mkdtemp(join(tmpdir(), 'glassbox-vae-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('convolutional VAE (tfjs wasm)', () => {
  const { x, labels } = bars(96, 1);
  const images = { data: x, shape: [96, 8, 8, 1] };
  const options = { latentDim: 2, filters: [4, 8] as [number, number], epochs: 12, batchSize: 16, learningRate: 1e-2, seed: 3, labels, checkerEpochs: 15 };

  it('trains: the ELBO loss falls, the same seed gives the same bytes, and save → load reproduces encode/decode', async () => {
    const a = await trainVae(images, options);
    expect(a.history).toHaveLength(12);
    expect(a.history.at(-1)!.loss).toBeLessThan(0.8 * a.history[0]!.loss);
    for (const e of a.history) expect(e.loss).toBeCloseTo(e.reconstruction + e.kl, 3);
    const quick = { ...options, epochs: 2, checkerEpochs: 1 };
    const [b, c] = [await trainVae(images, quick), await trainVae(images, quick)];
    expect(b.vae.toJson()).toBe(c.vae.toJson());
    expect((await trainVae(images, { ...quick, seed: 4 })).vae.toJson()).not.toBe(b.vae.toJson());
    const file = join(dir, 'vae.json');
    await a.vae.save(file);
    const loaded = await loadVae(file);
    const enc = a.vae.encode(images);
    const enc2 = loaded.encode(images);
    expect(enc2.mean).toEqual(enc.mean);
    expect(enc2.logVar).toEqual(enc.logVar);
    expect(loaded.decode(enc.mean).data).toEqual(a.vae.decode(enc.mean).data);
    // reconstructions beat the mean image, and the reconstruction classifier tells the two bar directions apart
    const rec = a.vae.reconstruct(images).data;
    const meanImage = new Float64Array(64);
    for (let i = 0; i < x.length; i++) meanImage[i % 64]! += x[i]! / 96;
    let mse = 0;
    let baseline = 0;
    for (let i = 0; i < x.length; i++) {
      mse += (rec[i]! - x[i]!) ** 2;
      baseline += (meanImage[i % 64]! - x[i]!) ** 2;
    }
    expect(mse).toBeLessThan(baseline);
    const p = await loaded.checker!.predict(a.vae.reconstruct(images));
    let right = 0;
    for (let i = 0; i < 96; i++) if ((p[i * 2 + 1]! > p[i * 2]! ? 1 : 0) === labels[i]) right++;
    // above chance: P(Binomial(96, 0.5) ≥ 63) < 0.002; the 2-d latent of a 12-epoch VAE blurs many bars
    expect(right).toBeGreaterThanOrEqual(63);
    a.vae.dispose();
    b.vae.dispose();
    c.vae.dispose();
    loaded.dispose();
  }, 60_000);

  it('stops on the abort signal and refuses bad input before training', async () => {
    const controller = new AbortController();
    let batches = 0;
    await expect(trainVae(images, { ...options, signal: controller.signal, onProgress: () => { if (++batches === 2) controller.abort(); } })).rejects.toThrow(/abort|cancel/i);
    expect(batches).toBe(2);
    const bad = Float32Array.from(x);
    bad[64 * 5 + 3] = 255;
    await expect(trainVae({ data: bad, shape: [96, 8, 8, 1] }, options)).rejects.toThrow(/row 5 has pixel value 255.*\[0, 1\]/);
    await expect(trainVae({ data: new Float32Array(96 * 36), shape: [96, 6, 6, 1] }, options)).rejects.toThrow(/divisible by 4/);
    await expect(trainVae(images, { ...options, labels: labels.subarray(1) })).rejects.toThrow(/96 images but 95 labels/);
    const file = join(dir, 'not-a-vae.json');
    await writeFile(file, '{"format":"something-else"}');
    await expect(loadVae(file)).rejects.toThrow(/not a glassbox VAE file/);
    await expect(loadVae(join(dir, 'missing.json'))).rejects.toThrow(/cannot read the VAE file/);
  }, 30_000);

  it('the decoder\'s transposed-convolution gradients on wasm equal the cpu backend\'s', async () => {
    const rng = new Rng(2);
    const xv = Float32Array.from({ length: 2 * 4 * 4 * 3 }, () => rng.normal());
    const fv = Float32Array.from({ length: 3 * 3 * 5 * 3 }, () => rng.normal());
    const grads = async (backend: 'wasm' | 'cpu'): Promise<Float32Array[]> => {
      await initTf(backend);
      const out = tf.tidy(() => {
        const f = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.sum(tf.square(tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, [2, 8, 8, 5], 2, 'same')));
        return tf.grads(f)([tf.tensor4d(xv, [2, 4, 4, 3]), tf.tensor4d(fv, [3, 3, 5, 3])]);
      });
      const values = out.map((t) => Float32Array.from(t.dataSync()));
      tf.dispose(out);
      return values;
    };
    const cpu = await grads('cpu');
    const wasm = await grads('wasm');
    for (let k = 0; k < 2; k++) {
      let scale = 0;
      let diff = 0;
      for (let i = 0; i < cpu[k]!.length; i++) {
        scale = Math.max(scale, Math.abs(cpu[k]![i]!));
        diff = Math.max(diff, Math.abs(cpu[k]![i]! - wasm[k]![i]!));
      }
      expect(diff).toBeLessThan(1e-4 * scale);
    }
  });
});
