import { readFile } from 'node:fs/promises';
import { GlassboxError } from '../../errors.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { initTf, tf } from '../../model/tfjs/backend.js';
import { TfjsLayersModel } from '../../model/tfjs/layers-model.js';
import type { Tensor } from '../../model/tensor.js';
import { buildChecker, buildDecoder, buildEncoder, checkVaeConfig } from './network.js';
import type { VaeConfig } from './network.js';

export const VAE_FILE_FORMAT = 'glassbox-defuse-vae';
const BATCH = 256;

/** Everything recorded about how a VAE was trained (seed, settings, final losses). */
export interface VaeMetadata {
  readonly seed: number;
  readonly fingerprint?: string;
  readonly training: Readonly<Record<string, unknown>>;
}

interface StoredWeight {
  readonly name: string;
  readonly shape: readonly number[];
  readonly base64: string;
}

interface VaeFile {
  readonly format: typeof VAE_FILE_FORMAT;
  readonly version: 1;
  readonly config: VaeConfig;
  readonly metadata: VaeMetadata;
  readonly checkerClasses?: readonly string[];
  readonly weights: { readonly encoder: readonly StoredWeight[]; readonly decoder: readonly StoredWeight[]; readonly checker?: readonly StoredWeight[] };
}

function storeWeights(model: tf.LayersModel): StoredWeight[] {
  return model.weights.map((w) => {
    const data = w.read().dataSync() as Float32Array;
    return { name: w.originalName, shape: [...w.shape] as number[], base64: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64') };
  });
}

function loadWeights(model: tf.LayersModel, stored: readonly StoredWeight[], file: string, part: string): void {
  const expected = model.weights;
  if (stored.length !== expected.length) {
    throw new GlassboxError('invalid_input', `${file}: the ${part} has ${stored.length} weights, its architecture ${expected.length}`, { file, hint: 'The file is damaged or from another version; retrain the VAE.' });
  }
  const tensors = stored.map((s, i) => {
    const bytes = Buffer.from(s.base64, 'base64');
    const size = s.shape.reduce((a, b) => a * b, 1);
    if (bytes.byteLength !== size * 4 || s.shape.join() !== expected[i]!.shape.join()) {
      throw new GlassboxError('invalid_input', `${file}: weight ${s.name} of the ${part} has shape [${s.shape.join(', ')}] and ${bytes.byteLength} bytes; expected [${expected[i]!.shape.join(', ')}]`, { file, hint: 'The file is damaged or from another version; retrain the VAE.' });
    }
    const data = new Float32Array(size);
    new Uint8Array(data.buffer).set(bytes);
    return tf.tensor(data, [...s.shape]);
  });
  model.setWeights(tensors);
  tf.dispose(tensors);
}

/**
 * A trained convolutional VAE (Kingma & Welling, 2014) and, optionally, its reconstruction
 * classifier: a classifier trained on the VAE's own reconstructions of labelled training images, the
 * automatic "still looks like its source class" check of Defuse's identification step.
 */
export class Vae {
  constructor(
    readonly config: VaeConfig,
    readonly encoder: tf.LayersModel,
    readonly decoder: tf.LayersModel,
    readonly metadata: VaeMetadata,
    readonly checker?: TfjsLayersModel,
  ) {}

  get latentDim(): number {
    return this.config.latentDim;
  }

  get imageSize(): number {
    return this.config.imageShape.reduce((a, b) => a * b, 1);
  }

  /** Checks that `x` holds images of this VAE's shape. */
  checkImages(x: Tensor, argument = 'x'): void {
    const shape = x.shape.slice(1);
    if (shape.join() !== this.config.imageShape.join()) {
      throw new GlassboxError('shape_mismatch', `${argument}: images of shape [${shape.join(', ')}], the VAE was trained on [${this.config.imageShape.join(', ')}]`, { argument, hint: 'Use a VAE trained on these images, or leave out --vae to train one.' });
    }
  }

  /** Posterior means μ and log-variances log σ², each [n, latentDim] row-major. */
  encode(x: Tensor): { mean: Float32Array; logVar: Float32Array } {
    this.checkImages(x);
    const n = x.shape[0] ?? 0;
    const d = this.latentDim;
    const mean = new Float32Array(n * d);
    const logVar = new Float32Array(n * d);
    const size = this.imageSize;
    for (let start = 0; start < n; start += BATCH) {
      const m = Math.min(BATCH, n - start);
      const out = tf.tidy(() => this.encoder.predict(tf.tensor(x.data.subarray(start * size, (start + m) * size), [m, ...this.config.imageShape])) as tf.Tensor);
      const values = out.dataSync() as Float32Array;
      out.dispose();
      for (let r = 0; r < m; r++) {
        mean.set(values.subarray(r * 2 * d, r * 2 * d + d), (start + r) * d);
        logVar.set(values.subarray(r * 2 * d + d, (r + 1) * 2 * d), (start + r) * d);
      }
    }
    return { mean, logVar };
  }

  /** Decoded pixel means (sigmoid of the decoder's logits), [n, ...imageShape] row-major. */
  decode(z: Float32Array): Tensor {
    const d = this.latentDim;
    if (z.length % d !== 0) throw new GlassboxError('shape_mismatch', `decode: ${z.length} latent values is not a multiple of the latent dimension ${d}`, { argument: 'z', hint: `Pass [n, ${d}] codes.` });
    const n = z.length / d;
    const size = this.imageSize;
    const out = new Float32Array(n * size);
    for (let start = 0; start < n; start += BATCH) {
      const m = Math.min(BATCH, n - start);
      const y = tf.tidy(() => tf.sigmoid(this.decoder.predict(tf.tensor2d(z.subarray(start * d, (start + m) * d), [m, d])) as tf.Tensor));
      out.set(y.dataSync() as Float32Array, start * size);
      y.dispose();
    }
    return { data: out, shape: [n, ...this.config.imageShape] };
  }

  /** decode(encode(x).mean): the deterministic reconstruction. */
  reconstruct(x: Tensor): Tensor {
    return this.decode(this.encode(x).mean);
  }

  /** The file's JSON text (weights as base64 float32). */
  toJson(): string {
    const file: VaeFile = {
      format: VAE_FILE_FORMAT,
      version: 1,
      config: this.config,
      metadata: this.metadata,
      ...(this.checker ? { checkerClasses: this.checker.classes } : {}),
      weights: { encoder: storeWeights(this.encoder), decoder: storeWeights(this.decoder), ...(this.checker ? { checker: storeWeights(this.checker.model) } : {}) },
    };
    return JSON.stringify(file);
  }

  /** Writes the VAE (and its reconstruction classifier) to one JSON file, atomically. */
  async save(path: string): Promise<void> {
    await writeFileAtomic(path, this.toJson());
  }

  dispose(): void {
    this.encoder.dispose();
    this.decoder.dispose();
    this.checker?.model.dispose();
  }
}

/** Reads a VAE written by `Vae.save` (`--vae FILE`). */
export async function loadVae(path: string): Promise<Vae> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new GlassboxError('invalid_input', `${path}: cannot read the VAE file (${(error as Error).message})`, { file: path, argument: 'vae', hint: 'Pass a file written by glassbox defuse (vae.json), or leave out --vae to train one.' }, { cause: error });
  }
  let file: VaeFile;
  try {
    file = JSON.parse(text) as VaeFile;
  } catch (error) {
    throw new GlassboxError('invalid_input', `${path}: not JSON, so not a glassbox VAE file`, { file: path, argument: 'vae', hint: 'Pass a file written by glassbox defuse (vae.json).' }, { cause: error });
  }
  if (file?.format !== VAE_FILE_FORMAT || file.version !== 1 || !file.config || !file.weights?.encoder || !file.weights?.decoder) {
    throw new GlassboxError('invalid_input', `${path}: not a glassbox VAE file (format "${String(file?.format)}", version ${String(file?.version)})`, { file: path, argument: 'vae', hint: 'Pass a file written by glassbox defuse (vae.json).' });
  }
  return vaeFromFile(file, path);
}

/** Builds the networks of a stored VAE and loads its weights. */
export async function vaeFromFile(file: VaeFile, path: string): Promise<Vae> {
  await initTf('wasm');
  checkVaeConfig(file.config);
  const encoder = buildEncoder(file.config, 0);
  const decoder = buildDecoder(file.config, 0);
  loadWeights(encoder, file.weights.encoder, path, 'encoder');
  loadWeights(decoder, file.weights.decoder, path, 'decoder');
  let checker: TfjsLayersModel | undefined;
  if (file.weights.checker && file.checkerClasses) {
    const network = buildChecker(file.config.imageShape, file.checkerClasses.length, 0);
    loadWeights(network, file.weights.checker, path, 'reconstruction classifier');
    checker = new TfjsLayersModel(network, { classes: file.checkerClasses, description: 'Defuse reconstruction classifier' });
  }
  return new Vae(file.config, encoder, decoder, file.metadata, checker);
}

export type { VaeFile };
