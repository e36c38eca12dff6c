import * as tf from '../../model/tfjs/tfjs-api.js';
import { GlassboxError } from '../../errors.js';
import { loadOnnxGradModel, type OnnxGradModel } from '../../model/onnx-grad/public.js';
import { smallCnnOnnx } from '../../model/onnx-grad/small-cnn.js';
import type { Tensor } from '../../model/tensor.js';
import { initTf, registerGradientShims } from '../../model/tfjs/public.js';
import { Rng } from '../../rng.js';

export interface LabelTwinOptions {
  readonly classes: number;
  readonly filters?: number;
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly seed?: number;
}

/** Glorot-uniform kernel / zero bias, drawn from our seeded Rng (tfjs initialisers are not seedable enough). */
function glorot(shape: number[], fanIn: number, fanOut: number, rng: Rng): tf.Tensor {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, () => (2 * rng.next() - 1) * limit), shape);
}

async function trainOne(x: tf.Tensor4D, labels: Int32Array, opts: Required<LabelTwinOptions>, h: number, w: number, c: number): Promise<OnnxGradModel> {
  const rng = new Rng(opts.seed);
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [h, w, c], filters: opts.filters, kernelSize: 3, padding: 'same', activation: 'relu', weights: [glorot([3, 3, c, opts.filters], 9 * c, 9 * opts.filters, rng), tf.zeros([opts.filters])] }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: opts.classes, weights: [glorot([Math.floor(h / 2) * Math.floor(w / 2) * opts.filters, opts.classes], Math.floor(h / 2) * Math.floor(w / 2) * opts.filters, opts.classes, rng), tf.zeros([opts.classes])] }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-2), loss: tf.losses.softmaxCrossEntropy });
  const y = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), opts.classes), 'float32');
  await model.fit(x, y, { epochs: opts.epochs, batchSize: opts.batchSize, shuffle: false, verbose: 0 });
  y.dispose();
  const [kw, kb, dw, db] = model.getWeights().map((t) => t.dataSync() as Float32Array);
  const convW = new Float32Array(opts.filters * c * 9);
  for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) for (let ci = 0; ci < c; ci++) for (let f = 0; f < opts.filters; f++) convW[((f * c + ci) * 3 + ky) * 3 + kx] = kw![((ky * 3 + kx) * c + ci) * opts.filters + f]!;
  const ph = Math.floor(h / 2);
  const pw = Math.floor(w / 2);
  const denseW = new Float32Array(ph * pw * opts.filters * opts.classes);
  for (let i = 0; i < ph; i++) for (let j = 0; j < pw; j++) for (let f = 0; f < opts.filters; f++) {
    const tfRow = (i * pw + j) * opts.filters + f;
    const onnxRow = (f * ph + i) * pw + j;
    denseW.set(dw!.subarray(tfRow * opts.classes, (tfRow + 1) * opts.classes), onnxRow * opts.classes);
  }
  model.dispose();
  const bytes = smallCnnOnnx({ channels: c, height: h, width: w, filters: opts.filters, classes: opts.classes, convW, convB: kb!, denseW, denseB: db! });
  return loadOnnxGradModel(bytes, { classes: Array.from({ length: opts.classes }, (_, k) => String(k)) });
}

/**
 * The data-randomisation test's pair of models (Adebayo et al. 2018, §5): the same small CNN
 * (3×3 conv → ReLU → 2×2 max-pool → dense) trained with tfjs on the true labels and on a seeded
 * permutation of them, both returned as onnx-grad models (layer 'conv' for Grad-CAM). Images are
 * NCHW [N, C, H, W]; keep N to a few thousand so this takes seconds.
 */
export async function trainLabelTwins(images: Tensor, labels: Int32Array, options: LabelTwinOptions): Promise<{ trueLabels: OnnxGradModel; shuffledLabels: OnnxGradModel }> {
  if (images.shape.length !== 4 || images.shape[0] !== labels.length) {
    throw new GlassboxError('shape_mismatch', `trainLabelTwins: images [${images.shape.join(', ')}] and ${labels.length} labels do not match; NCHW images with one label each are needed.`, { argument: 'images', hint: 'Pass images as [N, C, H, W].' });
  }
  const opts: Required<LabelTwinOptions> = { filters: 8, epochs: 3, batchSize: 64, seed: 0, ...options };
  await initTf('wasm');
  registerGradientShims('wasm');
  const [n, c, h, w] = images.shape as [number, number, number, number];
  const x = tf.tidy(() => tf.transpose(tf.tensor4d(images.data, [n, c, h, w]), [0, 2, 3, 1])) as tf.Tensor4D;
  const shuffled = Int32Array.from(labels);
  new Rng(opts.seed + 1).shuffle(shuffled);
  try {
    const trueLabels = await trainOne(x, labels, opts, h, w, c);
    const shuffledLabels = await trainOne(x, shuffled, opts, h, w, c);
    return { trueLabels, shuffledLabels };
  } finally {
    x.dispose();
  }
}
