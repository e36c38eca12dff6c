import * as tf from '../../tfjs/tfjs-api.js';
import { describe, expect, it } from 'vitest';
import { initTf } from '../../tfjs/backend.js';
import { maxPoolBackward } from './max-pool-backward.js';

function lcg(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s >>> 8) / 16777216 - 0.5;
  });
}

describe('maxPoolBackward (host kernel replacing tfjs-wasm MaxPoolGrad)', () => {
  for (const [kernel, strides] of [[[2, 2], [2, 2]], [[3, 3], [1, 1]], [[3, 2], [2, 1]]] as const) {
    it(`matches the tfjs cpu backend's MaxPoolGrad for kernel ${kernel.join('×')} stride ${strides.join('×')}`, async () => {
      await initTf('cpu');
      const shape = [2, 7, 6, 3] as const;
      const x = lcg(shape.reduce((a, b) => a * b, 1), 11);
      const oh = Math.floor((shape[1] - kernel[0]) / strides[0]) + 1;
      const ow = Math.floor((shape[2] - kernel[1]) / strides[1]) + 1;
      const dy = lcg(2 * oh * ow * 3, 12);
      const expected = tf.tidy(() => {
        const dyT = tf.tensor4d(dy, [2, oh, ow, 3]);
        return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, kernel as [number, number], strides as [number, number], 'valid'), dyT)))(tf.tensor4d(x, [...shape])).dataSync();
      });
      const ours = maxPoolBackward(x, dy, shape, kernel, strides);
      for (let i = 0; i < ours.length; i++) expect(ours[i]).toBeCloseTo(expected[i]!, 6);
    });
  }

  it('routes a tie to the first maximum in scan order (as PyTorch)', () => {
    const dx = maxPoolBackward(Float32Array.from([1, 1, 1, 1]), Float32Array.from([5]), [1, 2, 2, 1], [2, 2], [2, 2]);
    expect(Array.from(dx)).toEqual([5, 0, 0, 0]);
  });
});
