import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, KernelConfig, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';

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

/**
 * Registers the shims for `backendName` (default wasm) where it lacks a kernel; returns the names
 * registered. Idempotent.
 */
export function registerGradientShims(backendName = 'wasm'): string[] {
  const registered: string[] = [];
  for (const name of WASM_GRADIENT_SHIMS) {
    if (tf.getKernel(name, backendName)) continue;
    tf.registerKernel(delegateToCpu(name, backendName));
    registered.push(name);
  }
  return registered;
}
