/**
 * The TensorFlow.js API glassbox uses, assembled from the sub-packages it needs rather than the
 * `@tensorflow/tfjs` umbrella (which adds the WebGL backend, tf.data and bundles for every platform):
 * core ops with their gradients, layers models, graph models (converter) and the pure-JS cpu
 * backend, which is both a backend of its own and the reference the wasm gradient shims delegate to.
 * The wasm backend is registered by backend.ts. Every glassbox file imports tfjs from here.
 */
import { enableProdMode } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
export * from '@tensorflow/tfjs-converter';

// Production mode turns off tfjs's own console warnings and logs, among them the cpu backend's
// "Hi, looks like you are running TensorFlow.js in Node.js" banner on its first tensor: glassbox
// chooses its backends itself, and its commands print only their own output. `tf.env().set('PROD', false)`
// turns them back on.
enableProdMode();
