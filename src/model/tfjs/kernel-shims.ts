import * as tf from './tfjs-api.js';
import type { KernelBackend, KernelConfig, NamedTensorInfoMap, TensorInfo } from './tfjs-api.js';
import { conv2dBackpropFilter, depthwiseBackpropFilter, depthwiseBackpropInput, maxPoolBackprop, unsortedSegmentSum } from './grad-kernels.js';
import type { ConvGeometry, PoolGeometry } from './grad-kernels.js';

/**
 * Kernels the gradients of common layers need that the tfjs wasm backend (4.22) does not implement:
 * the filter gradient of Conv2D, both gradients of DepthwiseConv2dNative, and UnsortedSegmentSum (the
 * gradient of Gather, hence of Embedding layers). Found with `tf.getKernelsForBackend('wasm')` against
 * the cpu list; see kernel-shims.test.ts.
 */
export const WASM_GRADIENT_SHIMS = [
  'Conv2DBackpropFilter',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'UnsortedSegmentSum',
] as const;

/**
 * Kernels wasm has but computes wrongly, replaced on registration: tfjs-wasm 4.22's MaxPoolGrad
 * disagrees with the cpu backend by O(1) on inputs larger than a few pixels (see kernel-shims.test.ts).
 */
export const WASM_GRADIENT_OVERRIDES = ['MaxPoolGrad'] as const;

function maxPoolGradKernel(backendName: string): KernelConfig {
  return {
    kernelName: 'MaxPoolGrad',
    backendName,
    kernelFunc: ({ inputs, backend, attrs = {} }) => {
      const b = backend as KernelBackend;
      const a = attrs as Record<string, unknown>;
      const input = inputs.input!;
      const info = tf.backend_util.computePool2DInfo(
        input.shape as [number, number, number, number],
        a.filterSize as number | [number, number],
        a.strides as number | [number, number],
        1,
        a.pad as 'same' | 'valid' | number,
        a.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
      );
      const g: PoolGeometry = {
        batch: info.batchSize, inHeight: info.inHeight, inWidth: info.inWidth, channels: info.inChannels, outHeight: info.outHeight, outWidth: info.outWidth,
        strideHeight: info.strideHeight, strideWidth: info.strideWidth, dilationHeight: info.dilationHeight, dilationWidth: info.dilationWidth,
        effectiveFilterHeight: info.effectiveFilterHeight, effectiveFilterWidth: info.effectiveFilterWidth, padTop: info.padInfo.top, padLeft: info.padInfo.left,
      };
      const dx = maxPoolBackprop(b.readSync(input.dataId) as Float32Array, b.readSync(inputs.dy!.dataId) as Float32Array, g);
      return { dataId: b.write(dx, input.shape, 'float32'), shape: input.shape, dtype: 'float32' };
    },
  };
}

function copyValues(values: unknown): tf.backend_util.BackendValues {
  if (ArrayBuffer.isView(values)) return (values as unknown as Float32Array).slice();
  return values as tf.backend_util.BackendValues;
}

/**
 * Wraps a cpu kernel so it runs for another backend: the inputs are read from that backend, the cpu
 * implementation computes the result, and the outputs are written back. The cost is two copies per
 * call, which is small next to the convolution itself.
 */
function delegateToCpu(kernelName: string, backendName: string): KernelConfig {
  const cpuKernel = tf.getKernel(kernelName, 'cpu');
  if (!cpuKernel) throw new Error(`tfjs: the cpu backend has no ${kernelName} kernel to delegate to`);
  return {
    kernelName,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const cpu = tf.engine().findBackend('cpu') as KernelBackend | null;
      if (!cpu) throw new Error(`tfjs: the cpu backend is needed by the ${kernelName} shim but could not be initialised`);
      const target = backend as KernelBackend;
      const cpuInputs: NamedTensorInfoMap = {};
      for (const [key, info] of Object.entries(inputs) as [string, TensorInfo | undefined][]) {
        if (!info) continue;
        const values = copyValues(target.readSync(info.dataId));
        cpuInputs[key] = { dataId: cpu.write(values, info.shape, info.dtype), shape: info.shape, dtype: info.dtype };
      }
      try {
        const result = cpuKernel.kernelFunc({ inputs: cpuInputs, backend: cpu, ...(attrs ? { attrs } : {}) });
        const outputs = Array.isArray(result) ? result : [result];
        const moved = outputs.map((out: TensorInfo): TensorInfo => {
          const values = copyValues(cpu.readSync(out.dataId));
          cpu.disposeData(out.dataId);
          return { dataId: target.write(values, out.shape, out.dtype), shape: out.shape, dtype: out.dtype };
        });
        return Array.isArray(result) ? moved : moved[0]!;
      } finally {
        for (const info of Object.values(cpuInputs) as TensorInfo[]) cpu.disposeData(info.dataId);
      }
    },
  };
}

type Attrs = Record<string, unknown>;
type Conv4 = [number, number, number, number];

function geometry(xShape: Conv4, filterShape: Conv4, attrs: Attrs, depthwise: boolean): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    attrs.strides as number | [number, number],
    (attrs.dilations as number | [number, number] | undefined) ?? 1,
    attrs.pad as 'same' | 'valid' | number,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    depthwise,
  );
  return {
    batch: info.batchSize, inHeight: info.inHeight, inWidth: info.inWidth, inChannels: info.inChannels,
    outHeight: info.outHeight, outWidth: info.outWidth, outChannels: info.outChannels,
    filterHeight: info.filterHeight, filterWidth: info.filterWidth, strideHeight: info.strideHeight, strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight, dilationWidth: info.dilationWidth, padTop: info.padInfo.top, padLeft: info.padInfo.left,
  };
}

function read(backend: KernelBackend, info: TensorInfo | undefined): Float32Array {
  return backend.readSync(info!.dataId) as Float32Array;
}

function output(backend: KernelBackend, values: Float32Array | Int32Array, shape: number[], dtype: tf.DataType): TensorInfo {
  return { dataId: backend.write(values, shape, dtype), shape, dtype };
}

/**
 * Conv2D's filter gradient as one forward convolution on the backend (the trick TensorFlow uses):
 * with batch and channels swapped, dW = conv(xᵀ, dyᵀ) where dyᵀ is the filter, dilated by the forward
 * stride. x is cropped where the forward pass never reached, so no padding is negative. Runs on
 * XNNPACK, about 10× faster than the typed-array loop.
 */
function conv2dFilterViaConv(backend: KernelBackend, x: Float32Array, dy: Float32Array, g: ConvGeometry): Float32Array | undefined {
  const conv = tf.getKernel('Conv2D', backend === tf.engine().findBackend('wasm') ? 'wasm' : '');
  if (!conv) return undefined;
  const { batch: N, inWidth: W, inChannels: CI, outHeight: OH, outWidth: OW, outChannels: CO, filterHeight: FH, filterWidth: FW } = g;
  const reachH = (OH - 1) * g.strideHeight + 1;
  const reachW = (OW - 1) * g.strideWidth + 1;
  let bottom = FH - 1 + reachH - g.inHeight - g.padTop;
  let right = FW - 1 + reachW - W - g.padLeft;
  const H2 = g.inHeight + Math.min(0, bottom);
  const W2 = W + Math.min(0, right);
  bottom = Math.max(0, bottom);
  right = Math.max(0, right);
  // xᵀ: [CI, H2, W2, N]
  const xt = new Float32Array(CI * H2 * W2 * N);
  for (let b = 0; b < N; b++)
    for (let r = 0; r < H2; r++)
      for (let c = 0; c < W2; c++) {
        const src = ((b * g.inHeight + r) * W + c) * CI;
        for (let ci = 0; ci < CI; ci++) xt[((ci * H2 + r) * W2 + c) * N + b] = x[src + ci]!;
      }
  // dyᵀ: [OH, OW, N, CO]
  const dyt = new Float32Array(OH * OW * N * CO);
  for (let b = 0; b < N; b++)
    for (let p = 0; p < OH * OW; p++) dyt.set(dy.subarray((b * OH * OW + p) * CO, (b * OH * OW + p + 1) * CO), (p * N + b) * CO);
  const xInfo: TensorInfo = { dataId: backend.write(xt, [CI, H2, W2, N], 'float32'), shape: [CI, H2, W2, N], dtype: 'float32' };
  const fInfo: TensorInfo = { dataId: backend.write(dyt, [OH, OW, N, CO], 'float32'), shape: [OH, OW, N, CO], dtype: 'float32' };
  try {
    const attrs = { strides: 1, dilations: [g.strideHeight, g.strideWidth], pad: [[0, 0], [g.padTop, bottom], [g.padLeft, right], [0, 0]], dataFormat: 'NHWC' };
    const out = conv.kernelFunc({ inputs: { x: xInfo, filter: fInfo }, backend, attrs: attrs as unknown as tf.NamedAttrMap }) as TensorInfo;
    const r = backend.readSync(out.dataId) as Float32Array; // [CI, FH, FW, CO]
    backend.disposeData(out.dataId);
    const dw = new Float32Array(FH * FW * CI * CO);
    for (let ci = 0; ci < CI; ci++)
      for (let k = 0; k < FH * FW; k++) dw.set(r.subarray((ci * FH * FW + k) * CO, (ci * FH * FW + k + 1) * CO), (k * CI + ci) * CO);
    return dw;
  } finally {
    backend.disposeData(xInfo.dataId);
    backend.disposeData(fInfo.dataId);
  }
}

/** Direct NHWC kernels (grad-kernels.ts); the cpu delegate covers what they do not (NCHW). */
function directKernel(kernelName: (typeof WASM_GRADIENT_SHIMS)[number], backendName: string): KernelConfig {
  const fallback = delegateToCpu(kernelName, backendName);
  return {
    kernelName,
    backendName,
    kernelFunc: (args) => {
      const { inputs, attrs = {} } = args;
      const backend = args.backend as KernelBackend;
      const a = attrs as Attrs;
      switch (kernelName) {
        case 'Conv2DBackpropFilter': {
          if (a.dataFormat === 'NCHW') return fallback.kernelFunc(args);
          const filterShape = a.filterShape as Conv4;
          const g = geometry(inputs.x!.shape as Conv4, filterShape, a, false);
          const x = read(backend, inputs.x);
          const dy = read(backend, inputs.dy);
          return output(backend, conv2dFilterViaConv(backend, x, dy, g) ?? conv2dBackpropFilter(x, dy, g), filterShape, 'float32');
        }
        case 'DepthwiseConv2dNativeBackpropFilter': {
          const filterShape = a.filterShape as Conv4;
          const g = geometry(inputs.x!.shape as Conv4, filterShape, a, true);
          return output(backend, depthwiseBackpropFilter(read(backend, inputs.x), read(backend, inputs.dy), g), filterShape, 'float32');
        }
        case 'DepthwiseConv2dNativeBackpropInput': {
          const inputShape = a.inputShape as Conv4;
          const g = geometry(inputShape, inputs.filter!.shape as Conv4, a, true);
          return output(backend, depthwiseBackpropInput(read(backend, inputs.dy), read(backend, inputs.filter), g), inputShape, 'float32');
        }
        case 'UnsortedSegmentSum': {
          const x = inputs.x!;
          const ids = inputs.segmentIds!;
          const numSegments = a.numSegments as number;
          const idCount = ids.shape.reduce((p, d) => p * d, 1);
          const rowSize = x.shape.reduce((p, d) => p * d, 1) / Math.max(idCount, 1);
          const sums = unsortedSegmentSum(read(backend, x), backend.readSync(ids.dataId) as Int32Array, numSegments, rowSize);
          const shape = [numSegments, ...x.shape.slice(ids.shape.length)];
          return output(backend, x.dtype === 'int32' ? Int32Array.from(sums) : Float32Array.from(sums), shape, x.dtype);
        }
      }
    },
  };
}

let overridden = false;

/**
 * Registers the shims for `backendName` (default wasm) where it lacks a kernel; returns the names
 * registered. Also replaces the wasm kernels listed in WASM_GRADIENT_OVERRIDES. Idempotent. `mode: 'cpu'` registers the slower delegates to tfjs's cpu kernels instead
 * (used by the tests as a second, independent implementation).
 */
export function registerGradientShims(backendName = 'wasm', mode: 'direct' | 'cpu' = 'direct'): string[] {
  const registered: string[] = [];
  for (const name of WASM_GRADIENT_SHIMS) {
    if (tf.getKernel(name, backendName)) continue;
    tf.registerKernel(mode === 'direct' ? directKernel(name, backendName) : delegateToCpu(name, backendName));
    registered.push(name);
  }
  if (backendName === 'wasm' && !overridden) {
    overridden = true;
    const replacements: Record<(typeof WASM_GRADIENT_OVERRIDES)[number], KernelConfig> = { MaxPoolGrad: maxPoolGradKernel(backendName) };
    for (const name of WASM_GRADIENT_OVERRIDES) {
      if (tf.getKernel(name, backendName)) tf.unregisterKernel(name, backendName);
      tf.registerKernel(replacements[name]);
      registered.push(name);
    }
  }
  return registered;
}
