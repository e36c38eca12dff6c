export { checkOutputDir, writeRunDir } from './run-dir.js';
export type { RenderedRun, RunFiles } from './run-dir.js';
export { writeFileAtomic } from '../io/atomic-write.js';
