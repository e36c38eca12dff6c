/**
 * glassbox — the public library API. Each area lists its exports explicitly in its own public.ts;
 * this file gathers them, and the compiler rejects any name two areas would both export.
 */
export { GlassboxError, formatError, isGlassboxError, throwIfAborted } from './errors.js';
export type { ErrorCode, ErrorDetails } from './errors.js';
export { Rng, toRng } from './rng.js';
export { VERSION } from './version.js';

export * from './data/public.js';
export * from './encode/public.js';
export * from './model/public.js';
export * from './model/trees/public.js';
export * from './model/onnx-grad/public.js';
export * from './train/public.js';
export { initTf, registerGradientShims, TfjsLayersModel, loadTfjsLayersModel, reinitializeWeights, tfjsDenseHead } from './model/tfjs/public.js';
export type { TfBackend, TfjsModelOptions, LoadTfjsOptions, FitOptions } from './model/tfjs/public.js';
export { loadModel, detectModelFormat } from './model/load-model.js';
export type { LoadModelOptions, ModelFormat } from './model/load-model.js';
export * from './math/public.js';
export * from './explain/public.js';
export * from './explain/tree-public.js';
export * from './explain/gradients/public.js';
export * from './global/public.js';
export * from './slice/public.js';
export * from './fairness/public.js';
export * from './challenger/public.js';
export * from './robust/corruptions/public.js';
export * from './robust/drift/public.js';
export * from './uncertainty/conformal/public.js';
export * from './uncertainty/selective/public.js';
export * from './uncertainty/calibration/public.js';
export * from './robust/attacks/public.js';
export * from './robust/invariance/public.js';
export * from './robust/certify/public.js';
export * from './robust/adversarial-training/public.js';
export * from './demos/public.js';
export * from './results/public.js';
export * from './scan/public.js';
export * from './store/public.js';
export * from './report/public.js';
export * from './uncertainty/predictive/public.js';
export * from './uncertainty/ood/public.js';

// Names two areas both define for the same idea; these are the canonical ones.
export type { OutputSpace } from './model/onnx-grad/public.js';
export * from './represent/public.js';
export * from './compress/public.js';
export * from './labels/public.js';
export * from './defuse/public.js';
export * from './explain/counterfactuals/public.js';
export * from './server/public.js';
