import * as tf from './tfjs-api.js';
import { Rng } from '../../rng.js';

/** Fan-in and fan-out of a kernel, as Keras computes them (receptive field × channels for convolutions). */
function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 2) return { fanIn: shape[0]!, fanOut: shape[1]! };
  if (shape.length < 2) return { fanIn: shape[0] ?? 1, fanOut: shape[0] ?? 1 };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: receptive * shape[shape.length - 2]!, fanOut: receptive * shape[shape.length - 1]! };
}

/** Initial values for one weight, chosen by its name as Keras' defaults do. */
function initialValues(name: string, shape: readonly number[], rng: Rng): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  const leaf = name.slice(name.lastIndexOf('/') + 1);
  if (leaf.startsWith('bias') || leaf.startsWith('beta') || leaf.startsWith('moving_mean')) return out;
  if (leaf.startsWith('gamma') || leaf.startsWith('moving_variance')) return out.fill(1);
  if (leaf.startsWith('embeddings')) {
    for (let i = 0; i < size; i++) out[i] = (rng.next() * 2 - 1) * 0.05;
    return out;
  }
  // Glorot uniform (Glorot & Bengio, 2010), the Keras default for kernels.
  let { fanIn, fanOut } = fans(shape);
  if (leaf.startsWith('depthwise_kernel')) {
    const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
    fanIn = receptive;
    fanOut = receptive * (shape[shape.length - 1] ?? 1);
  }
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  for (let i = 0; i < size; i++) out[i] = (rng.next() * 2 - 1) * limit;
  return out;
}

/**
 * Re-draws every weight of `model` from a seed (Glorot-uniform kernels, zero biases, unit
 * batch-norm scales), so that training from scratch is reproducible whatever tfjs's own initialisers
 * did. Weight order follows `model.weights`.
 */
export function reinitializeWeights(model: tf.LayersModel, seed: number): void {
  const rng = new Rng(seed);
  const values = model.weights.map((w) => tf.tensor(initialValues(w.originalName, w.shape as number[], rng), w.shape as number[]));
  model.setWeights(values);
  tf.dispose(values);
}
