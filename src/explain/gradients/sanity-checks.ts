import { GlassboxError, throwIfAborted } from '../../errors.js';
import type { Tensor } from '../../model/tensor.js';
import type { Attribution } from '../attribution.js';
import type { Explainer } from '../explainer.js';
import type { GradientModel } from './common.js';
import { spearman, ssim } from './similarity.js';

/** A model whose parameters can be re-initialised layer by layer (the onnx-grad adapter). */
export interface RandomizableModel extends GradientModel {
  readonly parameterLayers: readonly { readonly name: string }[];
  withRandomizedLayers(layers: readonly string[], seed: number): GradientModel & { dispose?(): Promise<void> };
}

export function isRandomizable(model: object): model is RandomizableModel {
  return Array.isArray((model as Partial<RandomizableModel>).parameterLayers) && typeof (model as Partial<RandomizableModel>).withRandomizedLayers === 'function';
}

export interface SimilarityRow {
  /** 'cascading', 'independent' or 'data'. */
  readonly test: string;
  /** Layers randomised at this step (cascading: cumulative, output side first). */
  readonly layers: readonly string[];
  readonly spearman: number;
  readonly spearmanAbs: number;
  readonly ssim: number;
}

export interface MethodVerdict {
  readonly method: string;
  readonly rows: readonly SimilarityRow[];
  /** Mean over cascading steps of max(|Spearman abs|, SSIM): the area under Adebayo's cascade curve. */
  readonly cascadeSimilarity: number;
  /** max(|Spearman abs|, SSIM) between the true-label and shuffled-label models' maps, when run. */
  readonly dataSimilarity?: number;
  readonly pass: boolean;
  readonly reason: string;
}

export interface SanityOptions {
  readonly methods: readonly Explainer<GradientModel, Tensor>[];
  readonly target?: Int32Array | number;
  readonly seed?: number;
  readonly tests?: readonly ('cascading' | 'independent')[];
  /** A same-architecture model trained on shuffled labels (data-randomization test), with its true-label twin. */
  readonly dataRandomization?: { readonly trueLabels: GradientModel; readonly shuffledLabels: GradientModel };
  /**
   * A method passes when the mean over the cascading steps of max(|Spearman of |maps||, SSIM) — and the
   * data-randomisation similarity, when run — is below this (default 0.4).
   */
  readonly threshold?: number;
  readonly signal?: AbortSignal;
}

/** Mean over rows of the three similarity measures between two attributions. */
export function compareAttributions(a: Attribution, b: Attribution): { spearman: number; spearmanAbs: number; ssim: number } {
  const rows = a.shape[0] ?? 1;
  const width = a.values.length / rows;
  const h = a.shape.length >= 3 ? a.shape[a.shape.length - 2]! : 1;
  const w = a.shape.length >= 3 ? a.shape[a.shape.length - 1]! : width;
  const planes = width / (h * w);
  let s = 0;
  let sa = 0;
  let ss = 0;
  for (let r = 0; r < rows; r++) {
    const va = a.values.subarray(r * width, (r + 1) * width);
    const vb = b.values.subarray(r * width, (r + 1) * width);
    s += spearman(va, vb);
    sa += spearman(va, vb, true);
    const sumA = new Float64Array(h * w);
    const sumB = new Float64Array(h * w);
    for (let p = 0; p < planes; p++) for (let k = 0; k < h * w; k++) {
      sumA[k]! += Math.abs(va[p * h * w + k]!);
      sumB[k]! += Math.abs(vb[p * h * w + k]!);
    }
    ss += ssim(sumA, sumB, h, w);
  }
  return { spearman: s / rows, spearmanAbs: sa / rows, ssim: ss / rows };
}

/**
 * Sanity checks for saliency maps (Adebayo et al. 2018, "Sanity Checks for Saliency Maps"): cascading
 * randomisation (re-initialise layers from the output side down, cumulatively), independent
 * randomisation (one layer at a time), and — when given — the data-randomisation test (a model trained
 * on shuffled labels vs its true-label twin). For each step: Spearman rank correlation with and
 * without absolute values, and SSIM, averaged over rows. A method passes when its maps decorrelate:
 * final |Spearman| of absolute maps and SSIM below `threshold`. Guided backprop is expected to fail.
 */
export async function sanityChecks(model: RandomizableModel, x: Tensor, options: SanityOptions): Promise<MethodVerdict[]> {
  if (!isRandomizable(model)) {
    throw new GlassboxError('missing_capability', 'Sanity checks need a model whose parameters can be re-initialised.', { argument: 'model', hint: 'Load the model with loadOnnxGradModel.' });
  }
  const layers = model.parameterLayers.map((l) => l.name).reverse();
  if (layers.length === 0) throw new GlassboxError('invalid_argument', 'The model has no parameterised layers to randomise.', { argument: 'model' });
  const seed = options.seed ?? 0;
  const threshold = options.threshold ?? 0.4;
  const tests = options.tests ?? ['cascading', 'independent'];
  const context = { ...(options.target !== undefined ? { target: options.target } : {}), ...(options.signal ? { signal: options.signal } : {}) };
  const originals = await Promise.all(options.methods.map((m) => m.explain(model, x, context)));
  const rows: SimilarityRow[][] = options.methods.map(() => []);
  const steps: { test: string; layers: string[] }[] = [];
  if (tests.includes('cascading')) layers.forEach((_, i) => steps.push({ test: 'cascading', layers: layers.slice(0, i + 1) }));
  if (tests.includes('independent')) layers.forEach((l) => steps.push({ test: 'independent', layers: [l] }));
  for (const step of steps) {
    throwIfAborted(options.signal);
    const randomized = model.withRandomizedLayers(step.layers, seed);
    for (const [k, method] of options.methods.entries()) {
      const a = await method.explain(randomized, x, { ...context, target: originals[k]!.target });
      rows[k]!.push({ test: step.test, layers: step.layers, ...compareAttributions(originals[k]!, a) });
    }
    await randomized.dispose?.();
  }
  if (options.dataRandomization) {
    const { trueLabels, shuffledLabels } = options.dataRandomization;
    for (const [k, method] of options.methods.entries()) {
      const base = await method.explain(trueLabels, x, context);
      const rand = await method.explain(shuffledLabels, x, { ...context, target: base.target });
      rows[k]!.push({ test: 'data', layers: [], ...compareAttributions(base, rand) });
    }
  }
  return options.methods.map((method, k) => verdict(method.method, rows[k]!, threshold));
}

function similarity(r: SimilarityRow): number {
  return Math.max(Math.abs(r.spearmanAbs), r.ssim);
}

function verdict(method: string, rows: readonly SimilarityRow[], threshold: number): MethodVerdict {
  const cascade = rows.filter((r) => r.test === 'cascading');
  const data = rows.find((r) => r.test === 'data');
  const cascadeSimilarity = cascade.length > 0 ? cascade.reduce((s, r) => s + similarity(r), 0) / cascade.length : Number.NaN;
  const dataSimilarity = data ? similarity(data) : undefined;
  const problems: string[] = [];
  if (cascadeSimilarity >= threshold) problems.push(`maps stay similar while layers are randomised from the output down (mean similarity ${cascadeSimilarity.toFixed(2)} ≥ ${threshold})`);
  if (dataSimilarity !== undefined && dataSimilarity >= threshold) problems.push(`maps of a model trained on shuffled labels look like the real ones (similarity ${dataSimilarity.toFixed(2)} ≥ ${threshold})`);
  const pass = problems.length === 0;
  const reason = pass
    ? `maps change with the model's parameters${data ? ' and training labels' : ''} (cascade similarity ${cascadeSimilarity.toFixed(2)}${dataSimilarity !== undefined ? `, data ${dataSimilarity.toFixed(2)}` : ''} < ${threshold})`
    : `${problems.join('; ')}: the maps do not depend on what the model learned`;
  return { method, rows, cascadeSimilarity, ...(dataSimilarity !== undefined ? { dataSimilarity } : {}), pass, reason };
}
