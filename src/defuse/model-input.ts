import { GlassboxError } from '../errors.js';
import { permuteImages } from '../model/image-layout.js';
import type { Model } from '../model/model.js';
import type { Tensor } from '../model/tensor.js';

/** How the model takes the VAE's channels-last images: as they are, or transposed to [n, C, H, W]. */
export type ModelLayout = 'nhwc' | 'nchw';

/**
 * Decides how images [n, H, W, C] (the VAE's layout) are fed to `model`: unchanged when its input is
 * [H, W, C], transposed when it is [C, H, W]. Anything else is refused before any work starts.
 */
export function modelLayoutFor(model: Pick<Model, 'inputSpec'>, imageShape: readonly number[]): ModelLayout {
  const spec = model.inputSpec.shape.slice(1);
  const [h, w, c] = imageShape as [number, number, number];
  const fits = (dims: number[]): boolean => spec.length === dims.length && spec.every((s, i) => s === null || s === dims[i]);
  if (fits([h, w, c])) return 'nhwc';
  if (fits([c, h, w])) return 'nchw';
  throw new GlassboxError('shape_mismatch', `The model takes inputs of shape [${spec.map((s) => s ?? '?').join(', ')}]; the images are [${h}, ${w}, ${c}] (height, width, channels)`, { argument: 'model', hint: 'Use images of the size the model was trained on.' });
}

/** Images [n, H, W, C] in the model's layout. */
export function toModelInput(images: Tensor, layout: ModelLayout): Tensor {
  return layout === 'nhwc' ? images : permuteImages(images, 'nhwc');
}

/** Model-layout images back to [n, H, W, C]. */
export function fromModelInput(x: Tensor, layout: ModelLayout): Tensor {
  return layout === 'nhwc' ? x : permuteImages(x, 'nchw');
}

/** Index of the largest of each row's k values. */
export function argmaxRows(p: Float32Array, k: number): { index: Int32Array; value: Float32Array } {
  const n = p.length / k;
  const index = new Int32Array(n);
  const value = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (p[i * k + c]! > p[i * k + best]!) best = c;
    index[i] = best;
    value[i] = p[i * k + best]!;
  }
  return { index, value };
}

/** Predicted classes (argmax of the probabilities) for channels-last images, in batches. */
export async function predictClasses(model: Model, images: Tensor, layout: ModelLayout, signal?: AbortSignal): Promise<{ index: Int32Array; value: Float32Array }> {
  const p = await model.predict(toModelInput(images, layout), signal ? { signal } : {});
  return argmaxRows(p, model.outputWidth);
}
