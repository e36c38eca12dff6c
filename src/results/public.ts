/**
 * The results layer: what a scan produces, as data. Findings, report blocks and the results.json
 * schema live here so that analyses, scan, store and report can all read them without importing
 * each other.
 */
export { SEVERITIES, severityRank } from './finding.js';
export type { Finding, Interval, Severity } from './finding.js';
export type { ImageGridRow, ReportBlock, ReportSection } from './blocks.js';
export { resultsSchema, findingSchema, sectionSchema, RESULTS_SCHEMA_VERSION } from './schema.js';
export type { ScanResults } from './schema.js';
