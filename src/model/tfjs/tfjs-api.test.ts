import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { initTf } from './backend.js';
import * as tf from './tfjs-api.js';

const BANNER = /looks like you are running TensorFlow\.js in Node\.js/;

/** Everything tfjs printed through console while `fn` ran. */
function printed(fn: () => void): string {
  const lines: string[] = [];
  const spies = (['warn', 'log', 'info'] as const).map((name) => vi.spyOn(console, name).mockImplementation((...args: unknown[]) => void lines.push(args.join(' '))));
  try {
    fn();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return lines.join('\n');
}

describe('the tfjs API glassbox assembles from the sub-packages', () => {
  afterEach(() => tf.env().set('PROD', true));

  it("silences the cpu backend's Node.js banner through tfjs's production flag", () => {
    expect(tf.env().getBool('PROD')).toBe(true);
    // a fresh cpu backend prints the banner on its first write unless the flag is set
    expect(printed(() => new MathBackendCPU().write(new Float32Array([1]), [1], 'float32'))).not.toMatch(BANNER);
    tf.env().set('PROD', false);
    expect(printed(() => new MathBackendCPU().write(new Float32Array([1]), [1], 'float32'))).toMatch(BANNER);
  });

  it('registers gradients, layers and the graph-model loader on both backends', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await initTf(backend);
      const grad = tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([1, -2, 3]));
      expect(Array.from(grad.dataSync())).toEqual([2, -4, 6]);
      const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1, useBias: false, weights: [tf.tensor2d([[2], [3]])] })] });
      expect(Array.from((model.predict(tf.tensor2d([[1, 1]])) as tf.Tensor).dataSync())).toEqual([5]);
      expect(typeof tf.loadGraphModel).toBe('function');
    }
  });
});
