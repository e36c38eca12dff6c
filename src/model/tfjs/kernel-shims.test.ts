import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { initTf, tf } from './backend.js';
import { WASM_GRADIENT_SHIMS } from './kernel-shims.js';
import { conv2dBackpropFilter } from './grad-kernels.js';

function randomTensor(rng: Rng, shape: number[]): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal();
  return out;
}

/** Runs `fn` on the named backend and returns its result as plain arrays. */
async function on(backend: 'wasm' | 'cpu', fn: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await initTf(backend);
  const out = tf.tidy(fn);
  const list = Array.isArray(out) ? out : [out];
  const values = list.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose(list);
  return values;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('wasm gradient kernel shims', () => {
  beforeAll(async () => {
    await initTf('wasm');
  });
  afterAll(async () => {
    await initTf('wasm');
  });

  it('covers exactly the training kernels wasm lacks', async () => {
    await initTf('wasm');
    for (const name of WASM_GRADIENT_SHIMS) expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
    const needed = ['Conv2D', 'Conv2DBackpropInput', 'MaxPool', 'MaxPoolGrad', 'AvgPool', 'AvgPoolGrad', 'BatchMatMul', 'Relu', 'Softmax', 'GatherV2', 'DepthwiseConv2dNative', 'FusedConv2D', '_FusedMatMul'];
    for (const name of needed) expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
  });

  const convCases = [
    { name: 'valid stride 1', x: [2, 7, 7, 3], f: [3, 3, 3, 4], strides: 1, pad: 'valid' as const, dilation: 1 },
    { name: 'same stride 2', x: [3, 8, 8, 2], f: [3, 3, 2, 5], strides: 2, pad: 'same' as const, dilation: 1 },
    // tfjs itself has no gradients for dilation > 1, on any backend
    { name: 'valid 5x5 stride 3, odd sizes', x: [2, 11, 9, 3], f: [5, 5, 3, 2], strides: 3, pad: 'valid' as const, dilation: 1 },
  ];
  for (const c of convCases) {
    it(`Conv2D gradients match the cpu backend (${c.name})`, async () => {
      const rng = new Rng(1);
      const xv = randomTensor(rng, c.x);
      const fv = randomTensor(rng, c.f);
      const run = (): tf.Tensor[] => {
        const x = tf.tensor4d(xv, c.x as [number, number, number, number]);
        const f = tf.tensor4d(fv, c.f as [number, number, number, number]);
        const loss = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dilation)));
        return tf.grads(loss)([x, f]);
      };
      const [wx, wf] = await on('wasm', run);
      const [cx, cf] = await on('cpu', run);
      expect(maxAbsDiff(wf!, cf!)).toBeLessThan(1e-3);
      expect(maxAbsDiff(wx!, cx!)).toBeLessThan(1e-3);
    });
    it(`DepthwiseConv2D gradients match the cpu backend (${c.name})`, async () => {
      const rng = new Rng(2);
      const fShape = [c.f[0]!, c.f[1]!, c.x[3]!, 2] as [number, number, number, number];
      const xv = randomTensor(rng, c.x);
      const fv = randomTensor(rng, fShape);
      const run = (): tf.Tensor[] => {
        const x = tf.tensor4d(xv, c.x as [number, number, number, number]);
        const f = tf.tensor4d(fv, fShape);
        const loss = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.sum(tf.square(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dilation)));
        return tf.grads(loss)([x, f]);
      };
      const [wx, wf] = await on('wasm', run);
      const [cx, cf] = await on('cpu', run);
      expect(maxAbsDiff(wf!, cf!)).toBeLessThan(1e-3);
      expect(maxAbsDiff(wx!, cx!)).toBeLessThan(1e-3);
    });
  }

  it('MaxPoolGrad (replaced: wasm 4.22 gets it wrong) matches the cpu backend on realistic sizes', async () => {
    const rng = new Rng(10);
    const shape: [number, number, number, number] = [4, 26, 26, 8];
    const xv = randomTensor(rng, shape);
    for (const [size, stride, pad] of [[2, 2, 'valid'], [3, 2, 'same'], [2, 1, 'valid']] as const) {
      const run = (): tf.Tensor[] => {
        const f = (x: tf.Tensor): tf.Tensor => {
          const y = tf.maxPool(x as tf.Tensor4D, size, stride, pad);
          return tf.sum(tf.mul(y, tf.add(tf.mod(tf.reshape(tf.range(0, y.size), y.shape), 13), 1)));
        };
        return [tf.grad(f)(tf.tensor4d(xv, shape))];
      };
      const [w] = await on('wasm', run);
      const [c] = await on('cpu', run);
      expect(maxAbsDiff(w!, c!)).toBe(0);
    }
  });

  it('UnsortedSegmentSum (the gradient of gather) matches the cpu backend', async () => {
    const rng = new Rng(3);
    const tableValues = randomTensor(rng, [6, 4]);
    const indices = Int32Array.from([0, 3, 3, 5, 0, 0, 2]);
    const run = (): tf.Tensor[] => {
      const table = tf.tensor2d(tableValues, [6, 4]);
      const weights = tf.tensor2d(randomTensor(new Rng(4), [7, 4]), [7, 4]);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, tf.tensor1d(indices, 'int32')), weights)))(table);
      return [g, tf.unsortedSegmentSum(weights, tf.tensor1d(indices, 'int32'), 6)];
    };
    const [wg, ws] = await on('wasm', run);
    const [cg, cs] = await on('cpu', run);
    expect(maxAbsDiff(wg!, cg!)).toBeLessThan(1e-6);
    expect(maxAbsDiff(ws!, cs!)).toBeLessThan(1e-6);
    // closed form: row 0 of the gradient is the sum of weight rows 0, 4 and 5
    const w = randomTensor(new Rng(4), [7, 4]);
    for (let k = 0; k < 4; k++) expect(wg![k]!).toBeCloseTo(w[k]! + w[16 + k]! + w[20 + k]!, 5);
    for (let k = 0; k < 4; k++) expect(wg![4 + k]!).toBe(0);
  });

  it('the typed-array Conv2D filter gradient (the fallback path) matches the cpu backend', async () => {
    const rng = new Rng(9);
    const xShape: [number, number, number, number] = [2, 9, 8, 3];
    const fShape: [number, number, number, number] = [3, 3, 3, 4];
    const xv = randomTensor(rng, xShape);
    const fv = randomTensor(rng, fShape);
    for (const [strides, pad] of [[1, 'valid'], [2, 'same'], [2, 'valid']] as const) {
      const [dyv, cf] = await on('cpu', () => {
        const x = tf.tensor4d(xv, xShape);
        const out = tf.conv2d(x, tf.tensor4d(fv, fShape), strides, pad);
        const dy = tf.mul(tf.onesLike(out), tf.mod(tf.reshape(tf.range(0, out.size), out.shape), 7));
        return [dy, tf.grad((f: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, f as tf.Tensor4D, strides, pad), dy)))(tf.tensor4d(fv, fShape))];
      });
      const info = tf.backend_util.computeConv2DInfo(xShape, fShape, strides, 1, pad);
      const g = {
        batch: info.batchSize, inHeight: info.inHeight, inWidth: info.inWidth, inChannels: info.inChannels, outHeight: info.outHeight, outWidth: info.outWidth,
        outChannels: info.outChannels, filterHeight: info.filterHeight, filterWidth: info.filterWidth, strideHeight: info.strideHeight, strideWidth: info.strideWidth,
        dilationHeight: 1, dilationWidth: 1, padTop: info.padInfo.top, padLeft: info.padInfo.left,
      };
      expect(maxAbsDiff(conv2dBackpropFilter(xv, dyv!, g), cf!)).toBeLessThan(1e-3);
    }
  });

  it('Conv2D filter gradient agrees with central finite differences on wasm', async () => {
    const rng = new Rng(5);
    const xv = randomTensor(rng, [1, 5, 5, 2]);
    const fv = randomTensor(rng, [3, 3, 2, 2]);
    await initTf('wasm');
    const lossAt = (fvals: Float32Array): number =>
      tf.tidy(() => tf.sum(tf.square(tf.conv2d(tf.tensor4d(xv, [1, 5, 5, 2]), tf.tensor4d(fvals, [3, 3, 2, 2]), 2, 'same'))).dataSync()[0]!);
    const [grad] = await on('wasm', () => [tf.grad((f: tf.Tensor) => tf.sum(tf.square(tf.conv2d(tf.tensor4d(xv, [1, 5, 5, 2]), f as tf.Tensor4D, 2, 'same'))))(tf.tensor4d(fv, [3, 3, 2, 2]))]);
    const h = 1e-2;
    for (const k of [0, 7, 19, 35]) {
      const up = fv.slice();
      const down = fv.slice();
      up[k]! += h;
      down[k]! -= h;
      const numeric = (lossAt(up) - lossAt(down)) / (2 * h);
      expect(Math.abs(numeric - grad![k]!)).toBeLessThan(2e-2 * Math.max(1, Math.abs(numeric)));
    }
  });
});
