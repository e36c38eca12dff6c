export { cka, ckaOfKernels, layerKernel, type CkaKernel, type CkaOptions, type CkaResult, type LayerKernel } from './cka/cka.js';
export { minibatchCka, type MinibatchCkaOptions } from './cka/minibatch.js';
export { ckaHeatmapSpec, ckaMatrix, type CkaMatrix } from './cka/layer-matrix.js';
export type { RepresentationMatrix } from './cka/matrix.js';
export { collectActivations, type CollectActivationsOptions } from './activations.js';
export { pca, type PcaOptions, type PcaResult } from './projection/pca.js';
export { trustworthiness } from './projection/trustworthiness.js';
