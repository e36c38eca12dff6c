import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { initTf, tf } from './backend.js';
import { float32ToFloat16Bits } from './float16.js';
import { TfjsLayersModel } from './layers-model.js';
import { loadTfjsLayersModel } from './load.js';

/** binary16 bits → value, the reference decoding. */
function decode(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 0x1f) return m ? Number.NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

describe('float32ToFloat16Bits', () => {
  it('encodes exact values, rounds to nearest even, and handles subnormals, overflow and NaN', () => {
    const bits = float32ToFloat16Bits(Float32Array.of(1, -2, 65504, 1e6, 2 ** -24, 2 ** -26, 0.1, 1 + 2 ** -11, 1 + 3 * 2 ** -11, Number.NaN));
    expect(Array.from(bits.subarray(0, 6))).toEqual([0x3c00, 0xc000, 0x7bff, 0x7c00, 0x0001, 0x0000]);
    expect(decode(bits[6]!)).toBeCloseTo(0.0999755859375, 12);
    expect(bits[7]).toBe(0x3c00); // tie → even mantissa (down)
    expect(bits[8]).toBe(0x3c02); // tie → even mantissa (up)
    expect(Number.isNaN(decode(bits[9]!))).toBe(true);
    // every value within half a unit in the last place of binary16
    const rng = new Rng(1);
    const values = Float32Array.from({ length: 2000 }, () => rng.normal() * 3);
    const h = float32ToFloat16Bits(values);
    values.forEach((v, i) => expect(Math.abs(decode(h[i]!) - v)).toBeLessThanOrEqual(2 ** (Math.floor(Math.log2(Math.abs(v))) - 11) + 1e-12));
  });

  it('saves a TF.js model with float16 weights at half the size, which tfjs decodes on load', async () => {
    await initTf('wasm');
    const net = tf.sequential({ layers: [tf.layers.dense({ inputShape: [20], units: 30, activation: 'softmax', name: 'out' })] });
    const model = new TfjsLayersModel(net);
    const dir = await mkdtemp(join(tmpdir(), 'glassbox-f16-'));
    try {
      await model.save(join(dir, 'full'));
      await model.save(join(dir, 'half'), {}, { float16: true });
      expect((await stat(join(dir, 'half', 'weights.bin'))).size).toBe((await stat(join(dir, 'full', 'weights.bin'))).size / 2);
      const json = JSON.parse(await readFile(join(dir, 'half', 'model.json'), 'utf8')) as { weightsManifest: { weights: { quantization?: { dtype: string } }[] }[] };
      expect(json.weightsManifest[0]!.weights.every((w) => w.quantization?.dtype === 'float16')).toBe(true);
      const loaded = await loadTfjsLayersModel(join(dir, 'half'));
      const a = model.getWeights().get('out/kernel')!.data;
      const b = loaded.getWeights().get('out/kernel')!.data;
      const expected = float32ToFloat16Bits(a);
      b.forEach((v, i) => expect(v).toBe(decode(expected[i]!)));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
