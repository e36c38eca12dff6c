export { scan } from './scan.js';
export type { ScanInputs, ScanCallOptions } from './scan.js';
export { runScan } from './run-scan.js';
export type { DetectorProgress, RunScanOptions, ScanInputDescription } from './run-scan.js';
export { defaultDetectors } from './registry.js';
export type { Detector, DetectorResult, ScanContext, ScanOptions } from './detector.js';
export { SEVERITIES, severityRank } from './finding.js';
export type { Finding, Interval, Predicate, Severity } from './finding.js';
export { predictedClasses } from './predictions.js';
