import { GlassboxError, isGlassboxError, throwIfAborted } from '../errors.js';
import type { ReportSection } from '../results/blocks.js';
import { RESULTS_SCHEMA_VERSION, resultsSchema, type ScanResults } from '../results/schema.js';
import type { Detector, ScanContext } from './detector.js';
import { SEVERITIES, severityRank, type Finding } from '../results/finding.js';
import { toJsonSafe } from './json-safe.js';
import { groupFindings } from './group-findings.js';
import { labelledRows } from './predictions.js';

/** The registered detector a finding comes from ("miscalibration/over" → "miscalibration"). */
const detectorOf = (f: Finding): string => f.detector.split('/')[0]!;

export interface ScanInputDescription {
  readonly data: string;
  readonly model: string;
  readonly demo?: string;
}

export interface DetectorProgress {
  readonly detector: string;
  readonly index: number;
  readonly total: number;
  readonly detail?: string;
}

export interface RunScanOptions {
  readonly detectors: readonly Detector[];
  readonly describe: ScanInputDescription;
  readonly version: string;
  /** Input warnings, copied into results.json `warnings` and shown at the top of the report. */
  readonly warnings?: readonly { readonly code: string; readonly message: string }[];
  readonly onProgress?: (progress: DetectorProgress) => void;
}

/**
 * Runs every detector that applies to the context, in order, and assembles the results: findings
 * sorted by severity, each detector's status (ran, skipped with the reason, or failed with the error),
 * report sections and per-detector data. A detector's failure is recorded, never hidden; cancellation
 * stops the whole scan.
 */
export async function runScan(context: Omit<ScanContext, 'progress'>, options: RunScanOptions): Promise<ScanResults> {
  const findings: Finding[] = [];
  const rows = new Map<string, Uint8Array>();
  const sections: ReportSection[] = [];
  const detectorData: Record<string, unknown> = {};
  const statuses: ScanResults['summary']['detectors'] = [];
  const total = options.detectors.length;
  for (const [index, detector] of options.detectors.entries()) {
    throwIfAborted(context.signal);
    const progress = (detail: string): void => options.onProgress?.({ detector: detector.title, index, total, detail });
    progress('starting');
    const full: ScanContext = { ...context, progress };
    const applicable = detector.applies(full);
    if (applicable !== true) {
      statuses.push({ id: detector.id, title: detector.title, status: 'skipped', reason: applicable });
      continue;
    }
    try {
      const result = await detector.run(full);
      findings.push(...result.findings);
      for (const [id, mask] of Object.entries(result.rows ?? {})) rows.set(id, mask);
      sections.push(...(result.sections ?? []));
      if (result.data !== undefined) detectorData[detector.id] = result.data;
      statuses.push({ id: detector.id, title: detector.title, status: 'ran' });
    } catch (error) {
      if (isGlassboxError(error) && error.code === 'cancelled') throw error;
      const reason = error instanceof Error ? error.message : String(error);
      statuses.push({ id: detector.id, title: detector.title, status: 'failed', reason });
    }
  }
  options.onProgress?.({ detector: 'done', index: total, total });
  return assembleResults(context, options, findings, rows, sections, detectorData, statuses);
}

function assembleResults(
  context: Omit<ScanContext, 'progress'>,
  options: RunScanOptions,
  findings: Finding[],
  rows: ReadonlyMap<string, Uint8Array>,
  sections: ReportSection[],
  detectorData: Record<string, unknown>,
  statuses: ScanResults['summary']['detectors'],
): ScanResults {
  const order = new Map(options.detectors.map((d, i) => [d.id, i]));
  const bySeverityThenDetector = [...findings].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || (order.get(detectorOf(a)) ?? 0) - (order.get(detectorOf(b)) ?? 0),
  );
  const audited = new Uint8Array(context.labels.length);
  for (const i of labelledRows(context.labels)) audited[i] = 1;
  const sorted = groupFindings(bySeverityThenDetector.map((finding) => ({ finding, ...(rows.has(finding.id) ? { rows: rows.get(finding.id)! } : {}) })), audited);
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, sorted.filter((f) => f.severity === s).length]));
  const maxSeverity = sorted[0]?.severity ?? null;
  const { schema, model, table, train } = context;
  const candidate = toJsonSafe({
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: 'glassbox', version: options.version },
    input: {
      ...options.describe,
      rows: table.nRows,
      ...(train ? { trainRows: train.nRows } : {}),
      features: schema.features.map((f) => f.name),
      ...(schema.target ? { target: schema.target.name } : {}),
      task: model.task,
      classes: [...context.classes],
      protected: (schema.protected ?? []).map((p) => p.name),
      seed: context.seed,
    },
    warnings: [...(options.warnings ?? [])],
    summary: { findings: sorted.length, bySeverity, maxSeverity, detectors: statuses },
    findings: sorted,
    detectors: detectorData,
    sections,
  });
  const parsed = resultsSchema.safeParse(candidate);
  if (!parsed.success) {
    throw new GlassboxError('internal', `The scan produced results that do not match the results.json schema: ${parsed.error.message}`);
  }
  return parsed.data;
}
