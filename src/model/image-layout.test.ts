import { describe, expect, it } from 'vitest';
import type { Differentiable, GradientTarget } from './capabilities.js';
import { channelsFirstView, imageLayout, permuteImages } from './image-layout.js';
import type { Model } from './model.js';
import type { Tensor } from './tensor.js';

const [N, H, W, C] = [2, 3, 4, 3];
const SIZE = H * W * C;

/** A channels-last linear scorer: output k = Σ w_k ⊙ x (NHWC), so its input gradient is w_k in NHWC. */
function linearNhwc(): Model & Differentiable {
  const weights = [0, 1].map((k) => Float32Array.from({ length: SIZE }, (_, i) => Math.sin(i * 0.7 + k)));
  const score = (x: Tensor): Float32Array => {
    const n = x.shape[0]!;
    expect(x.shape).toEqual([n, H, W, C]);
    const out = new Float32Array(2 * n);
    for (let r = 0; r < n; r++) for (let k = 0; k < 2; k++) for (let i = 0; i < SIZE; i++) out[2 * r + k]! += weights[k]![i]! * x.data[r * SIZE + i]!;
    return out;
  };
  return {
    task: 'binary',
    classes: ['a', 'b'],
    outputWidth: 2,
    inputSpec: { name: 'x', shape: [null, H, W, C], dtype: 'float32' },
    layerNames: ['x'],
    predict: async (x) => score(x),
    inputGradients: async (x: Tensor, target: GradientTarget) => {
      const n = x.shape[0]!;
      const out = new Float32Array(n * SIZE);
      for (let r = 0; r < n; r++) out.set(weights[typeof target === 'number' ? target : target[r]!]!, r * SIZE);
      return out;
    },
    activations: async (x, names) => Object.fromEntries(names.map((name) => [name, x])),
    layerGradients: async (x) => ({ activation: x, gradient: x }),
  };
}

describe('image layouts', () => {
  const nhwc: Tensor = { data: Float32Array.from({ length: N * SIZE }, (_, i) => i), shape: [N, H, W, C] };

  it('guesses the layout from where a 1/3/4-sized axis sits', () => {
    expect(imageLayout([5, 28, 28, 1])).toBe('nhwc');
    expect(imageLayout([5, 1, 28, 28])).toBe('nchw');
    expect(imageLayout([5, 3, 32, 3])).toBe('nchw');
    expect(imageLayout([5, 20])).toBe('nchw');
  });

  it('permutes NHWC → NCHW → NHWC back to the same bytes, moving each value where its coordinates say', () => {
    const nchw = permuteImages(nhwc, 'nhwc');
    expect(nchw.shape).toEqual([N, C, H, W]);
    const at = (r: number, y: number, x: number, ch: number): number => ((r * H + y) * W + x) * C + ch;
    expect(nchw.data[((1 * C + 2) * H + 1) * W + 3]).toBe(nhwc.data[at(1, 1, 3, 2)]);
    expect(permuteImages(nchw, 'nchw')).toEqual(nhwc);
  });

  it('a channels-first view predicts like the model and returns its gradients in NCHW', async () => {
    const inner = linearNhwc();
    const view = channelsFirstView(inner);
    expect(view.inputSpec.shape).toEqual([null, C, H, W]);
    const nchw = permuteImages(nhwc, 'nhwc');
    expect(await view.predict(nchw)).toEqual(await inner.predict(nhwc));
    const grads = await view.inputGradients(nchw, Int32Array.from([1, 0]));
    const expected = permuteImages({ data: await inner.inputGradients(nhwc, Int32Array.from([1, 0])), shape: nhwc.shape }, 'nhwc');
    expect(grads).toEqual(expected.data);
    const acts = await view.activations(nchw, ['x']);
    expect(acts.x).toEqual(nchw);
  });

  it('a view of a model without gradients has none', () => {
    const { inputGradients: _g, activations: _a, layerGradients: _l, layerNames: _n, ...plain } = linearNhwc();
    const view = channelsFirstView(plain as Model);
    expect('inputGradients' in view).toBe(false);
  });
});
