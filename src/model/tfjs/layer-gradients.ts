import * as tf from './tfjs-api.js';
import type { Tensor } from '../tensor.js';
import { concatFloat32, sliceRows } from '../tensor.js';

/**
 * For one batch: the tensor `layer` takes on `input`, and the model's selected outputs as a function of
 * a replacement value for that tensor (what tf.grad differentiates).
 */
export type LayerProbe = (input: tf.Tensor, start: number, end: number) => { activation: tf.Tensor; outputsGiven: (value: tf.Tensor) => tf.Tensor };

/**
 * Activations of a layer and d(selected outputs)/d(layer), batch by batch, for any TF.js model that can
 * evaluate its outputs from an overridden intermediate tensor (LayersModel and GraphModel alike).
 */
export function batchedLayerGradients(x: Tensor, batchSize: number, probe: LayerProbe): { activation: Tensor; gradient: Tensor } {
  const n = x.shape[0]!;
  const acts: Float32Array[] = [];
  const grads: Float32Array[] = [];
  let shape: number[] = [];
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const batch = sliceRows(x, start, end);
    const [a, g] = tf.tidy(() => {
      const { activation, outputsGiven } = probe(tf.tensor(batch.data, [...batch.shape]), start, end);
      return [activation, tf.grad(outputsGiven)(activation)];
    });
    shape = a!.shape.slice(1);
    acts.push(Float32Array.from(a!.dataSync()));
    grads.push(Float32Array.from(g!.dataSync()));
    tf.dispose([a!, g!]);
  }
  return { activation: { data: concatFloat32(acts), shape: [n, ...shape] }, gradient: { data: concatFloat32(grads), shape: [n, ...shape] } };
}
