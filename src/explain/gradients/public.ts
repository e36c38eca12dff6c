export { saliency, inputXGradient, guidedBackprop, type SaliencyOptions, type PlainGradientOptions } from './simple-gradients.js';
export { integratedGradients, type IntegratedGradientsOptions } from './integrated-gradients.js';
export { quadrature, gaussLegendre, type IntegrationRule, type Quadrature } from './integration-rules.js';
export { makeBaselines, gaussianBlur, type BaselineSpec } from './baselines.js';
export { gradCam, guidedGradCam, gradCamMaps, type GradCamOptions, type GuidedGradCamOptions } from './grad-cam.js';
export { imageOcclusion, type ImageOcclusionOptions } from './image-occlusion.js';
export { upsample } from './upsample.js';
export type { GradientModel, OutputSpace } from './common.js';
