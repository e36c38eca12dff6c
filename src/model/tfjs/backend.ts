import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from './tfjs-api.js';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerGradientShims } from './kernel-shims.js';

export type TfBackend = 'wasm' | 'cpu';

let ready: Promise<typeof tf> | undefined;
let chosen: TfBackend | undefined;
let wasmPathsSet = false;

/**
 * Initialises tfjs once per process with the wasm backend (default) or the pure-JS cpu backend.
 * The wasm binaries are loaded from the installed package, never from the network, and the gradient
 * kernels wasm lacks are registered as shims (see kernel-shims.ts).
 */
export function initTf(backend: TfBackend = 'wasm'): Promise<typeof tf> {
  if (ready && chosen === backend) return ready;
  chosen = backend;
  ready = (async () => {
    if (backend === 'wasm' && !wasmPathsSet) {
      wasmPathsSet = true;
      const require = createRequire(import.meta.url);
      const distDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
      setWasmPaths(join(distDir, '/'), false);
      setThreadsCount(1);
    }
    const ok = await tf.setBackend(backend);
    if (!ok) throw new Error(`tfjs: the ${backend} backend could not be initialised`);
    await tf.ready();
    if (backend === 'wasm') registerGradientShims('wasm');
    return tf;
  })();
  return ready;
}

export { tf };
