export { corruptImages, imageGeometry, checkUnitRange, resolveRegime } from './corrupt.js';
export type { CorruptOptions, ImageGeometry } from './corrupt.js';
export { CORRUPTION_NAMES, CORRUPTION_FAMILIES } from './types.js';
export type { CorruptionName, Severity as CorruptionSeverity, ImagePlanes } from './types.js';
export { REGIMES, REFERENCE_SIDE, autoRegime, corruptionParams, parameterTable } from './params.js';
export type { Regime, CorruptionParams } from './params.js';
export { gaussianNoiseWith } from './noise.js';
export { frostTexture } from './frost-texture.js';
export { plasmaFractal } from './plasma-fractal.js';
