export { GlassboxError, formatError, isGlassboxError } from './errors.js';
export type { ErrorCode, ErrorDetails } from './errors.js';
export { Rng } from './rng.js';
