import { GlassboxError, throwIfAborted } from '../../errors.js';
import { initTf, tf } from '../../model/tfjs/backend.js';
import { TfjsLayersModel } from '../../model/tfjs/layers-model.js';
import type { Tensor } from '../../model/tensor.js';
import { Rng } from '../../rng.js';
import { buildChecker, buildDecoder, buildEncoder, checkVaeConfig, DEFAULT_VAE_CONFIG } from './network.js';
import type { VaeConfig } from './network.js';
import { Vae } from './vae.js';

export interface VaeTrainingOptions {
  readonly latentDim?: number;
  readonly filters?: readonly [number, number];
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  /** Weight of the KL term (β-VAE, Higgins et al. 2017; default 1, the plain VAE). */
  readonly beta?: number;
  readonly seed?: number;
  /** Labels (class indices) of the images: with them, the reconstruction classifier is trained too. */
  readonly labels?: Int32Array;
  readonly classes?: readonly string[];
  /** Epochs of the reconstruction classifier (default 3). */
  readonly checkerEpochs?: number;
  readonly fingerprint?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: VaeTrainingProgress) => void;
}

export interface VaeTrainingProgress {
  readonly stage: 'vae' | 'checker';
  readonly epoch: number;
  readonly epochs: number;
  readonly batch: number;
  readonly batches: number;
  /** Mean per-image loss so far in this epoch: reconstruction (Bernoulli −log p, summed over pixels) + β·KL. */
  readonly loss: number;
  readonly reconstruction?: number;
  readonly kl?: number;
}

export interface VaeEpoch {
  readonly epoch: number;
  readonly loss: number;
  readonly reconstruction: number;
  readonly kl: number;
}

function positive(value: number, name: string, integer: boolean): number {
  if (!(Number.isFinite(value) && value > 0 && (!integer || Number.isInteger(value)))) {
    throw new GlassboxError('invalid_argument', `trainVae: ${name} must be a positive ${integer ? 'integer' : 'number'} (got ${value})`, { argument: name, hint: 'See docs/defuse.md for the defaults.' });
  }
  return value;
}

/** Checks pixels are finite and in [0, 1] (the Bernoulli likelihood needs it); names the first bad row. */
export function checkPixels(x: Tensor, argument: string): void {
  const size = x.data.length / Math.max(1, x.shape[0] ?? 1);
  for (let i = 0; i < x.data.length; i++) {
    const v = x.data[i]!;
    if (!(v >= 0 && v <= 1)) {
      throw new GlassboxError('invalid_input', `${argument}: row ${Math.floor(i / size)} has pixel value ${v}; the VAE models pixels in [0, 1]`, { argument, row: Math.floor(i / size), hint: 'Scale images to [0, 1] (divide 8-bit pixels by 255).' });
    }
  }
}

/**
 * Trains a convolutional VAE on images in [0, 1] by minimising the negative ELBO: Bernoulli
 * reconstruction loss summed over pixels plus β·KL(q(z|x) ‖ N(0, I)), with the reparameterisation
 * z = μ + σ·ε (Kingma & Welling, "Auto-Encoding Variational Bayes", 2014). The noise ε and the row
 * order come from seeded streams, and the weights are initialised from the seed, so the same images
 * and seed give the same VAE on the same platform. With `labels`, also trains the reconstruction
 * classifier on decoded posterior samples (see Vae). Checks for cancellation between batches.
 */
export async function trainVae(x: Tensor, options: VaeTrainingOptions = {}): Promise<{ vae: Vae; history: VaeEpoch[] }> {
  await initTf('wasm');
  const n = x.shape[0] ?? 0;
  if (x.shape.length !== 4) throw new GlassboxError('shape_mismatch', `trainVae: images must be [n, height, width, channels] (got [${x.shape.join(', ')}])`, { argument: 'x', hint: 'Pass channels-last images.' });
  if (n < 2) throw new GlassboxError('invalid_input', `trainVae: ${n} images; at least 2 are needed`, { argument: 'x', hint: 'Pass the training images.' });
  const config: VaeConfig = { imageShape: [x.shape[1]!, x.shape[2]!, x.shape[3]!], latentDim: options.latentDim ?? DEFAULT_VAE_CONFIG.latentDim, filters: options.filters ?? DEFAULT_VAE_CONFIG.filters };
  checkVaeConfig(config);
  checkPixels(x, 'x');
  if (options.labels && options.labels.length !== n) throw new GlassboxError('shape_mismatch', `trainVae: ${n} images but ${options.labels.length} labels`, { argument: 'labels', hint: 'Pass one label per image.' });
  const epochs = positive(options.epochs ?? 10, 'epochs', true);
  const batchSize = positive(options.batchSize ?? 64, 'batchSize', true);
  const learningRate = positive(options.learningRate ?? 2e-3, 'learningRate', false);
  const beta = options.beta ?? 1;
  const seed = options.seed ?? 0;
  const root = new Rng(seed);
  const shuffleRng = root.fork();
  const noiseRng = root.fork();
  const encoder = buildEncoder(config, seed);
  const decoder = buildDecoder(config, seed);
  const variables = [...encoder.trainableWeights, ...decoder.trainableWeights].map((w) => w.read() as tf.Variable);
  const optimizer = tf.train.adam(learningRate);
  const d = config.latentDim;
  const size = x.data.length / n;
  const batches = Math.ceil(n / batchSize);
  const history: VaeEpoch[] = [];
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const order = shuffleRng.permutation(n);
      let sumLoss = 0;
      let sumRec = 0;
      let sumKl = 0;
      for (let b = 0; b < batches; b++) {
        throwIfAborted(options.signal);
        const rows = order.subarray(b * batchSize, Math.min(n, (b + 1) * batchSize));
        const m = rows.length;
        const xb = new Float32Array(m * size);
        rows.forEach((row, r) => xb.set(x.data.subarray(row * size, (row + 1) * size), r * size));
        const eps = new Float32Array(m * d);
        for (let k = 0; k < eps.length; k++) eps[k] = noiseRng.normal();
        let rec = 0;
        let kl = 0;
        const cost = optimizer.minimize(() => {
          const input = tf.tensor(xb, [m, ...config.imageShape]);
          const posterior = encoder.apply(input, { training: true }) as tf.Tensor2D;
          const mean = tf.slice(posterior, [0, 0], [m, d]);
          const logVar = tf.slice(posterior, [0, d], [m, d]);
          const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), tf.tensor2d(eps, [m, d])));
          const logits = tf.reshape(decoder.apply(z, { training: true }) as tf.Tensor, [m, size]);
          const target = tf.reshape(input, [m, size]);
          // −log Bernoulli(x | sigmoid(l)) = max(l, 0) − l·x + log(1 + e^{−|l|}), stable for any l
          const bce = tf.sum(tf.add(tf.sub(tf.relu(logits), tf.mul(logits, target)), tf.log1p(tf.exp(tf.neg(tf.abs(logits))))), 1);
          const klRows = tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, logVar), tf.square(mean)), tf.exp(logVar)), 1));
          const recMean = tf.mean(bce);
          const klMean = tf.mean(klRows);
          rec = (recMean.dataSync() as Float32Array)[0]!;
          kl = (klMean.dataSync() as Float32Array)[0]!;
          return tf.add(recMean, tf.mul(beta, klMean)) as tf.Scalar;
        }, true, variables);
        const loss = (cost?.dataSync()[0] ?? Number.NaN) as number;
        cost?.dispose();
        if (!Number.isFinite(loss)) throw new GlassboxError('not_converged', `trainVae: the loss became ${loss} at epoch ${epoch}, batch ${b + 1}`, { hint: 'Lower the learning rate.' });
        sumLoss += loss * m;
        sumRec += rec * m;
        sumKl += kl * m;
        const seen = Math.min(n, (b + 1) * batchSize);
        options.onProgress?.({ stage: 'vae', epoch, epochs, batch: b + 1, batches, loss: sumLoss / seen, reconstruction: sumRec / seen, kl: sumKl / seen });
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      history.push({ epoch, loss: sumLoss / n, reconstruction: sumRec / n, kl: sumKl / n });
    }
  } catch (error) {
    encoder.dispose();
    decoder.dispose();
    throw error;
  } finally {
    optimizer.dispose();
  }
  const training = { epochs, batchSize, learningRate, beta, finalLoss: history.at(-1)?.loss ?? null, finalReconstruction: history.at(-1)?.reconstruction ?? null, finalKl: history.at(-1)?.kl ?? null };
  let vae = new Vae(config, encoder, decoder, { seed, training, ...(options.fingerprint ? { fingerprint: options.fingerprint } : {}) });
  if (options.labels) vae = await trainReconstructionClassifier(vae, x, options.labels, { ...options, rng: root.fork() });
  return { vae, history };
}

/**
 * Trains the reconstruction classifier: on the VAE's decodes of each training image's posterior mean
 * and of one posterior sample z ~ q(z|x), labelled with the image's label. It learns what the VAE's
 * outputs of each class look like, so it can judge decoded perturbations without being fooled by
 * the VAE's blur the way a classifier trained on sharp images might be. Returns the VAE with it.
 */
export async function trainReconstructionClassifier(vae: Vae, x: Tensor, labels: Int32Array, options: Pick<VaeTrainingOptions, 'classes' | 'checkerEpochs' | 'signal' | 'onProgress'> & { rng?: Rng } = {}): Promise<Vae> {
  const classNames = options.classes;
  const rng = options.rng ?? new Rng(vae.metadata.seed + 1);
  vae.checkImages(x);
  if (labels.length !== (x.shape[0] ?? 0)) throw new GlassboxError('shape_mismatch', `trainReconstructionClassifier: ${x.shape[0]} images but ${labels.length} labels`, { argument: 'labels', hint: 'Pass one label per image.' });
  let k = 0;
  for (const v of labels) {
    if (!(Number.isInteger(v) && v >= 0)) throw new GlassboxError('invalid_input', `trainVae: label ${v} is not a class index`, { argument: 'labels', hint: 'Labels are class indices 0 … k−1.' });
    k = Math.max(k, v + 1);
  }
  const classes = classNames ?? Array.from({ length: k }, (_, i) => String(i));
  if (classes.length < k) throw new GlassboxError('invalid_argument', `trainVae: labels go up to ${k - 1} but ${classes.length} class names were given`, { argument: 'classes', hint: 'Give one name per class.' });
  const n = labels.length;
  const d = vae.latentDim;
  const { mean, logVar } = vae.encode(x);
  const sampled = new Float32Array(n * d);
  for (let i = 0; i < sampled.length; i++) sampled[i] = mean[i]! + Math.exp(0.5 * logVar[i]!) * rng.normal();
  const codes = new Float32Array(2 * n * d);
  codes.set(mean);
  codes.set(sampled, n * d);
  const decoded = vae.decode(codes);
  const y = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) y[i] = y[n + i] = labels[i]!;
  const epochs = options.checkerEpochs ?? 3;
  const checker = new TfjsLayersModel(buildChecker(vae.config.imageShape, classes.length, vae.metadata.seed), { classes, description: 'Defuse reconstruction classifier' });
  await checker.fit(decoded, y, {
    epochs,
    batchSize: 64,
    learningRate: 2e-3,
    seed: vae.metadata.seed,
    ...(options.signal ? { signal: options.signal } : {}),
    onProgress: (p) => options.onProgress?.({ stage: 'checker', epoch: p.epoch, epochs: p.epochs, batch: 0, batches: 0, loss: p.loss }),
  });
  return new Vae(vae.config, vae.encoder, vae.decoder, { ...vae.metadata, training: { ...vae.metadata.training, checkerEpochs: epochs } }, checker);
}
