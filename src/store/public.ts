export { writeRun, checkOutputDir } from './write-run.js';
export type { RunFiles, WriteRunOptions } from './write-run.js';
export { resultsSchema, findingSchema, sectionSchema, RESULTS_SCHEMA_VERSION } from './results-schema.js';
export type { ScanResults } from './results-schema.js';
export { writeFileAtomic } from '../io/atomic-write.js';
