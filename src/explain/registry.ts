import type { Explainer } from './explainer.js';
import { exactShapley } from './exact-shapley.js';
import { expectedGradients } from './gradients/expected-gradients.js';
import { gradCam, guidedGradCam } from './gradients/grad-cam.js';
import { imageOcclusion } from './gradients/image-occlusion.js';
import { integratedGradients } from './gradients/integrated-gradients.js';
import { layerAttribution } from './gradients/layer-attribution.js';
import { guidedBackprop, inputXGradient, saliency } from './gradients/simple-gradients.js';
import { smoothGrad } from './gradients/smooth-grad.js';
import { limeImage } from './image/lime-image.js';
import { kernelShap } from './kernel-shap.js';
import { limeTabular } from './lime/tabular.js';
import { occlusion } from './occlusion.js';
import { permutationShapley } from './permutation-shapley.js';
import { limeText } from './text/lime-text.js';
import { textOcclusion } from './text/occlusion-text.js';
import { treeShap } from './tree-shap.js';

/**
 * What an explainer explains and takes as input:
 * - `tabular`: a Pipeline (encoder + model) on raw rows (RawMatrix)
 * - `tree`: a tree model (or a Pipeline around one) on raw rows or a tensor
 * - `tensor`: any Model on a tensor (images and other dense inputs), model-agnostic
 * - `gradient`: a Differentiable model on a tensor
 * - `text`: a TextClassifier on strings
 */
export type ExplainerInputKind = 'tabular' | 'tree' | 'tensor' | 'gradient' | 'text';

/** One registered explainer factory. */
export interface ExplainerEntry {
  readonly input: ExplainerInputKind;
  /** The factory (options → frozen explainer); some options are required (e.g. gradCam's layer). */
  readonly factory: (options: never) => Explainer<never, never>;
}

/**
 * Every explainer factory in glassbox, by its exported name. The shared conformance suite
 * (test/conformance/registry.test.ts) iterates over this registry, and a test fails when an explainer
 * factory under src/explain/ is missing from it, so a new explainer runs the suite unless the suite
 * records a written reason for skipping it. Adding an explainer means one entry here.
 */
export const explainerRegistry = {
  exactShapley: { input: 'tabular', factory: exactShapley },
  kernelShap: { input: 'tabular', factory: kernelShap },
  permutationShapley: { input: 'tabular', factory: permutationShapley },
  occlusion: { input: 'tabular', factory: occlusion },
  limeTabular: { input: 'tabular', factory: limeTabular },
  treeShap: { input: 'tree', factory: treeShap },
  limeImage: { input: 'tensor', factory: limeImage },
  imageOcclusion: { input: 'tensor', factory: imageOcclusion },
  saliency: { input: 'gradient', factory: saliency },
  inputXGradient: { input: 'gradient', factory: inputXGradient },
  guidedBackprop: { input: 'gradient', factory: guidedBackprop },
  integratedGradients: { input: 'gradient', factory: integratedGradients },
  smoothGrad: { input: 'gradient', factory: smoothGrad },
  expectedGradients: { input: 'gradient', factory: expectedGradients },
  gradCam: { input: 'gradient', factory: gradCam },
  guidedGradCam: { input: 'gradient', factory: guidedGradCam },
  layerAttribution: { input: 'gradient', factory: layerAttribution },
  limeText: { input: 'text', factory: limeText },
  textOcclusion: { input: 'text', factory: textOcclusion },
} as const satisfies Readonly<Record<string, ExplainerEntry>>;

/** The exported name of a registered explainer factory. */
export type ExplainerName = keyof typeof explainerRegistry;

/** Registered factory names, in registry order. */
export const explainerNames = Object.keys(explainerRegistry) as ExplainerName[];
