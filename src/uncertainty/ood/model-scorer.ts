import { GlassboxError } from '../../errors.js';
import { isDifferentiable } from '../../model/capabilities.js';
import type { DenseHead } from '../../model/dense-head.js';
import { denseLogits } from '../../model/dense-head.js';
import type { Model } from '../../model/model.js';
import type { Tensor } from '../../model/tensor.js';
import { rowSize } from '../../model/tensor.js';
import { knnReference, knnScores } from './knn.js';
import { energyScores, maxLogitScores, mspScores } from './logit-scores.js';
import { fitMahalanobis, mahalanobisScores } from './mahalanobis.js';

export const OOD_METHODS = ['msp', 'max-logit', 'energy', 'mahalanobis', 'knn'] as const;
export type OodMethod = (typeof OOD_METHODS)[number];

export interface OodScorerOptions {
  readonly method: OodMethod;
  /** The model's dense last layer, when it has one: logits for max-logit/energy, penultimate features for knn/mahalanobis. */
  readonly head?: DenseHead;
  /** mahalanobis/knn: the layer whose activations are the features (default: the penultimate, the dense head's input). */
  readonly layer?: string;
  /** mahalanobis/knn: in-distribution rows to fit on (typically training inputs). */
  readonly fit?: Tensor;
  /** mahalanobis: class labels of the fitting rows (default: the model's predicted classes). */
  readonly fitLabels?: ArrayLike<number>;
  /** knn: neighbours (default 10). */
  readonly k?: number;
  readonly signal?: AbortSignal;
}

/** A fitted OOD score for one model: higher = more likely out of distribution. */
export interface OodScorer {
  readonly method: OodMethod;
  /** Where the score is computed: 'probabilities', 'logits of …', or the feature layer. */
  readonly source: string;
  /** mahalanobis: 'labels' or 'predicted classes'. */
  readonly classMeansFrom?: 'labels' | 'predicted classes';
  readonly k?: number;
  score(x: Tensor): Promise<Float64Array>;
}

type LogitModel = Model & { logits(x: Tensor): Promise<Float32Array> };

function hasLogits(model: Model): model is LogitModel {
  return typeof (model as Partial<LogitModel>).logits === 'function';
}

/** Features of a named layer (Differentiable activations) or the dense head's input. */
function featureReader(model: Model, options: OodScorerOptions): { name: string; read(x: Tensor): Promise<{ data: ArrayLike<number>; dim: number }> } {
  const layer = options.layer;
  if (layer !== undefined && layer !== options.head?.featureName) {
    if (!isDifferentiable(model)) throw new GlassboxError('missing_capability', `--layer ${layer}: the model does not expose layer activations`, { argument: '--layer', hint: 'Load an ONNX model through the gradient adapter or use a TF.js model; or drop --layer to use the penultimate features.' });
    if (!model.layerNames.includes(layer)) throw new GlassboxError('invalid_argument', `--layer ${layer}: no such layer; layers are ${model.layerNames.join(', ')}`, { argument: '--layer' });
    return {
      name: layer,
      async read(x) {
        const t = (await model.activations(x, [layer]))[layer]!;
        return { data: t.data, dim: rowSize(t.shape) };
      },
    };
  }
  const head = options.head;
  if (!head) throw new GlassboxError('unsupported_model', `${options.method} needs features: the model has no dense last layer whose input could serve, and no --layer was named`, { argument: '--layer', hint: 'Name a layer with --layer (TF.js or ONNX through the gradient adapter).' });
  return { name: head.featureName, read: async (x) => ({ data: await head.features(x, options.signal ? { signal: options.signal } : {}), dim: head.inputs }) };
}

/**
 * Builds an OOD scorer for a model (see logit-scores.ts, mahalanobis.ts, knn.ts). Logit scores read
 * logits from the dense last layer, or from the model's own `logits` (TF.js); MSP needs only
 * probabilities. Feature scores are fitted on `fit` before returning.
 */
export async function oodScorer(model: Model, options: OodScorerOptions): Promise<OodScorer> {
  const { method, head } = options;
  const K = model.outputWidth;
  if (model.task === 'regression') throw new GlassboxError('unsupported_model', 'OOD scores here need a classifier', { argument: '--model' });
  if (method === 'msp') return { method, source: 'probabilities', score: async (x) => mspScores(await model.predict(x), x.shape[0]!, K) };
  if (method === 'max-logit' || method === 'energy') {
    const f = method === 'energy' ? energyScores : maxLogitScores;
    if (head) {
      const k = head.outputs;
      // a single sigmoid unit z is the logit pair [0, z]
      const pair = (z: Float64Array): Float64Array => (k === 1 ? Float64Array.from({ length: 2 * z.length }, (_, t) => (t % 2 === 0 ? 0 : z[t >> 1]!)) : z);
      return { method, source: `logits of ${head.description}`, score: async (x) => f(pair(denseLogits(head, await head.features(x), x.shape[0]!)), x.shape[0]!, k === 1 ? 2 : k) };
    }
    if (hasLogits(model)) return { method, source: 'model logits', score: async (x) => f(await model.logits(x), x.shape[0]!, K) };
    throw new GlassboxError('missing_capability', `${method} needs logits, and this model gives only probabilities (softmax loses the shift that ${method} reads)`, { argument: '--method', hint: 'Use --method msp, or a model whose dense last layer or logits glassbox can read (ONNX Gemm/MatMul head, TF.js).' });
  }
  const fit = options.fit;
  if (!fit) throw new GlassboxError('invalid_argument', `${method} is fitted on in-distribution rows: pass them (--fit-data train.npy, or a schema split)`, { argument: '--fit-data' });
  const reader = featureReader(model, options);
  const fitted = await reader.read(fit);
  const nFit = fit.shape[0]!;
  if (method === 'knn') {
    const ref = knnReference(fitted.data, nFit, fitted.dim, options.k !== undefined ? { k: options.k } : {});
    return { method, source: `activations of "${reader.name}" (L2-normalised)`, k: ref.k, score: async (x) => knnScores(ref, (await reader.read(x)).data, x.shape[0]!) };
  }
  let labels = options.fitLabels;
  const classMeansFrom = labels ? 'labels' : 'predicted classes';
  if (!labels) {
    const p = await model.predict(fit);
    labels = Int32Array.from({ length: nFit }, (_, i) => {
      let best = 0;
      for (let c = 1; c < K; c++) if (p[i * K + c]! > p[i * K + best]!) best = c;
      return best;
    });
  }
  const gauss = fitMahalanobis(fitted.data, labels, nFit, fitted.dim);
  return { method, source: `activations of "${reader.name}", class means from ${classMeansFrom}`, classMeansFrom, score: async (x) => mahalanobisScores(gauss, (await reader.read(x)).data, x.shape[0]!) };
}
