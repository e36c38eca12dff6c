export { scan } from './scan.js';
export type { ScanInputs, ScanCallOptions } from './scan.js';
export { runScan } from './run-scan.js';
export type { DetectorProgress, RunScanOptions, ScanInputDescription } from './run-scan.js';
export { defaultDetectors } from './registry.js';
export type { Detector, DetectorResult, ScanContext, ScanOptions } from './detector.js';
export { predictedClasses } from './predictions.js';
export { writeRun } from './write-run.js';
export type { WriteRunOptions } from './write-run.js';
