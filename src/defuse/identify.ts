import { GlassboxError, throwIfAborted } from '../errors.js';
import type { Model } from '../model/model.js';
import type { Tensor } from '../model/tensor.js';
import { Rng } from '../rng.js';
import { modelLayoutFor, predictClasses } from './model-input.js';
import type { Vae } from './vae/vae.js';

export interface IdentifyOptions {
  /** Latent perturbations drawn per source image: the sampling budget (default 50). */
  readonly samplesPerExample?: number;
  /** Standard deviation σ of the Gaussian noise added to the posterior mean, in latent units (the prior is N(0, I); default 0.5). */
  readonly noiseScale?: number;
  /** The reconstruction classifier must give the source label at least this probability (default 0.9). */
  readonly checkerConfidence?: number;
  readonly seed?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: { readonly done: number; readonly total: number; readonly found: number }) => void;
}

/**
 * Unrestricted adversarial examples (Song et al., 2018): decoded latent perturbations of correctly
 * classified source images that the classifier gets wrong while the reconstruction classifier still
 * sees the source's class. Row k of every array is example k.
 */
export interface UnrestrictedAdversarialExamples {
  /** Source rows (indices into the images given to `identifyFailures`). */
  readonly sourceRows: Int32Array;
  readonly sourceLabels: Int32Array;
  /** The classifier's class for the decoded image, and its probability. */
  readonly predicted: Int32Array;
  readonly predictedConfidence: Float32Array;
  /** The reconstruction classifier's probability of the source label. */
  readonly checkerConfidence: Float32Array;
  /** Perturbed latent codes z = μ(x) + σ·ε, [m, latentDim]. */
  readonly latent: Float32Array;
  readonly latentDim: number;
  /** Decoded images [m, H, W, C] in [0, 1]. */
  readonly images: Tensor;
  readonly search: {
    readonly sources: number;
    /** Sources the classifier gets right (only these are perturbed). */
    readonly correctSources: number;
    readonly samples: number;
    /** Decoded samples the classifier gets wrong. */
    readonly misclassified: number;
    /** Of those, the ones the reconstruction classifier does not accept as the source's class. */
    readonly rejectedByChecker: number;
    readonly samplesPerExample: number;
    readonly noiseScale: number;
    readonly checkerConfidence: number;
    readonly seed: number;
  };
}

const CHUNK = 64;

function checkOptions(o: IdentifyOptions): Required<Pick<IdentifyOptions, 'samplesPerExample' | 'noiseScale' | 'checkerConfidence' | 'seed'>> {
  const samplesPerExample = o.samplesPerExample ?? 50;
  const noiseScale = o.noiseScale ?? 0.5;
  const checkerConfidence = o.checkerConfidence ?? 0.9;
  if (!(Number.isInteger(samplesPerExample) && samplesPerExample >= 1 && samplesPerExample <= 100_000)) {
    throw new GlassboxError('invalid_argument', `samplesPerExample must be an integer in [1, 100000] (got ${samplesPerExample})`, { argument: '--samples-per-example', hint: 'Use e.g. 50.' });
  }
  if (!(Number.isFinite(noiseScale) && noiseScale > 0)) throw new GlassboxError('invalid_argument', `noiseScale must be a positive number (got ${noiseScale})`, { argument: '--noise-scale', hint: 'Use e.g. 0.5 (latent units).' });
  if (!(checkerConfidence >= 0 && checkerConfidence <= 1)) throw new GlassboxError('invalid_argument', `checkerConfidence must be in [0, 1] (got ${checkerConfidence})`, { argument: 'checkerConfidence', hint: 'Use e.g. 0.9.' });
  return { samplesPerExample, noiseScale, checkerConfidence, seed: o.seed ?? 0 };
}

/**
 * The "still looks like its source's class" test: row `row` of the reconstruction classifier's
 * probabilities (`classes` per row) passes when its top class is `label` with probability ≥
 * `threshold`. Returns that probability, or null when the row fails.
 */
export function checkerAccepts(probabilities: Float32Array, row: number, classes: number, label: number, threshold: number): number | null {
  const q = probabilities[row * classes + label]!;
  for (let c = 0; c < classes; c++) if (probabilities[row * classes + c]! > q) return null;
  return q >= threshold ? q : null;
}

/**
 * Defuse's identification step (Slack, Rauschmayr & Kenthapadi, "Defuse: Harnessing unrestricted
 * adversarial examples for debugging models beyond test accuracy", 2021): each correctly classified
 * source image is encoded to its posterior mean μ, `samplesPerExample` codes μ + σ·ε (ε ~ N(0, I))
 * are decoded, and a decoded image is kept when the classifier's class differs from the source label
 * while the VAE's reconstruction classifier (in place of the paper's annotators) still gives the
 * source label with probability ≥ `checkerConfidence`. Seeded: one noise stream, drawn source by
 * source, so the same inputs and seed give the same examples.
 */
export async function identifyFailures(model: Model, vae: Vae, images: Tensor, labels: Int32Array, options: IdentifyOptions = {}): Promise<UnrestrictedAdversarialExamples> {
  const o = checkOptions(options);
  vae.checkImages(images, 'images');
  const n = images.shape[0] ?? 0;
  if (labels.length !== n) throw new GlassboxError('shape_mismatch', `identifyFailures: ${n} images but ${labels.length} labels`, { argument: 'labels', hint: 'Pass one label per image.' });
  if (model.task === 'regression') throw new GlassboxError('unsupported_model', 'Defuse needs a classifier; the model is a regression model', { argument: 'model', hint: 'Use a classification model.' });
  const checker = vae.checker;
  if (!checker) throw new GlassboxError('missing_capability', 'The VAE has no reconstruction classifier, which identification needs to check that a decoded image still shows its source class', { argument: 'vae', hint: 'Train the VAE with labels (glassbox defuse trains it so when --vae is not given).' });
  if (checker.outputWidth !== model.outputWidth) throw new GlassboxError('shape_mismatch', `The VAE's reconstruction classifier knows ${checker.outputWidth} classes, the model ${model.outputWidth}`, { argument: 'vae', hint: 'Use a VAE trained on this model\'s data and classes.' });
  const layout = modelLayoutFor(model, vae.config.imageShape);
  const d = vae.latentDim;
  const size = vae.imageSize;
  const original = await predictClasses(model, images, layout, options.signal);
  const correct: number[] = [];
  for (let i = 0; i < n; i++) if (original.index[i] === labels[i]) correct.push(i);
  const { mean } = vae.encode(images);
  const rng = new Rng(o.seed);
  const K = o.samplesPerExample;
  const kept = { rows: [] as number[], predicted: [] as number[], confidence: [] as number[], checker: [] as number[], latent: [] as Float32Array[], images: [] as Float32Array[] };
  let misclassified = 0;
  for (let start = 0; start < correct.length; start += CHUNK) {
    throwIfAborted(options.signal);
    const chunk = correct.slice(start, start + CHUNK);
    const codes = new Float32Array(chunk.length * K * d);
    chunk.forEach((row, s) => {
      for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) codes[(s * K + k) * d + j] = mean[row * d + j]! + o.noiseScale * rng.normal();
    });
    const decoded = vae.decode(codes);
    const pred = await predictClasses(model, decoded, layout, options.signal);
    const wrong: number[] = [];
    for (let t = 0; t < pred.index.length; t++) if (pred.index[t] !== labels[chunk[Math.floor(t / K)]!]) wrong.push(t);
    misclassified += wrong.length;
    if (wrong.length > 0) {
      const wrongImages = new Float32Array(wrong.length * size);
      wrong.forEach((t, w) => wrongImages.set(decoded.data.subarray(t * size, (t + 1) * size), w * size));
      const p = await checker.predict({ data: wrongImages, shape: [wrong.length, ...vae.config.imageShape] });
      wrong.forEach((t, w) => {
        const row = chunk[Math.floor(t / K)]!;
        const q = checkerAccepts(p, w, checker.outputWidth, labels[row]!, o.checkerConfidence);
        if (q === null) return;
        kept.rows.push(row);
        kept.predicted.push(pred.index[t]!);
        kept.confidence.push(pred.value[t]!);
        kept.checker.push(q);
        kept.latent.push(codes.slice(t * d, (t + 1) * d));
        kept.images.push(wrongImages.slice(w * size, (w + 1) * size));
      });
    }
    options.onProgress?.({ done: Math.min(correct.length, start + CHUNK), total: correct.length, found: kept.rows.length });
  }
  const m = kept.rows.length;
  const latent = new Float32Array(m * d);
  const decodedKept = new Float32Array(m * size);
  for (let k = 0; k < m; k++) {
    latent.set(kept.latent[k]!, k * d);
    decodedKept.set(kept.images[k]!, k * size);
  }
  return {
    sourceRows: Int32Array.from(kept.rows),
    sourceLabels: Int32Array.from(kept.rows, (r) => labels[r]!),
    predicted: Int32Array.from(kept.predicted),
    predictedConfidence: Float32Array.from(kept.confidence),
    checkerConfidence: Float32Array.from(kept.checker),
    latent,
    latentDim: d,
    images: { data: decodedKept, shape: [m, ...vae.config.imageShape] },
    search: { sources: n, correctSources: correct.length, samples: correct.length * K, misclassified, rejectedByChecker: misclassified - m, ...o },
  };
}
